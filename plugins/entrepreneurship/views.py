"""The entrepreneurship worksheet pages, built by the core's worksheet machinery."""

from pathlib import Path

from core.worksheets.views import worksheet_blueprint
from plugins.entrepreneurship.models import (
    EntrepreneurshipWorksheet,
    EntrepreneurshipWorksheetComment,
)
from plugins.entrepreneurship.schemas import SCHEMAS

bp = worksheet_blueprint(__name__, "entrepreneurship", SCHEMAS, EntrepreneurshipWorksheet,
                         EntrepreneurshipWorksheetComment,
                         static_folder=str(Path(__file__).parent / "static"))
