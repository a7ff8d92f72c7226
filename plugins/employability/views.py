"""The employability worksheet pages, built by the core's worksheet machinery."""

from core.worksheets.views import worksheet_blueprint
from plugins.employability.models import EmployabilityWorksheet, EmployabilityWorksheetComment
from plugins.employability.schemas import SCHEMAS

bp = worksheet_blueprint(__name__, "employability", SCHEMAS, EmployabilityWorksheet,
                         EmployabilityWorksheetComment)
