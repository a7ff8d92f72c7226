"""The default template set: seven forms for the mentoring process, written by this project.

The wording is English; managers can replace any file with a translated one.
Each entry says who fills it in, whether it is mandatory, whether it needs
signatures and which toolbar ("managing" or "monitoring") the copy belongs in.
"""

from __future__ import annotations

from dataclasses import dataclass

SCALE = ["1", "2", "3", "4", "5"]


@dataclass(frozen=True)
class DefaultTemplate:
    """One template of the default set."""

    key: str
    title: str
    filename: str
    description: str
    filled_by: str
    mandatory: bool
    needs_signature: bool
    toolbar: str
    blocks: tuple


MENTORING_CONTRACT = DefaultTemplate(
    key="contract",
    title="Mentoring contract",
    filename="mentoring-contract.docx",
    description=(
        "What mentee, mentor and manager agree at the initial session: goals, how and how "
        "often you meet, what each of you commits to, confidentiality. Fill it in together, "
        "sign it, and upload the **signed scan** (PDF or photo)."
    ),
    filled_by="mentor", mandatory=True, needs_signature=True, toolbar="managing",
    blocks=(
        ("p", "This contract records what the mentee, the mentor and the programme manager "
              "agree at the initial mentoring and management session. Fill it in together, "
              "print it, sign it, and upload a scan of the signed copy to the toolbar for "
              "managing the mentoring process."),
        ("fields", ["Programme", "Mentoring group", "Mentee", "Mentor", "Manager",
                    "Date of the initial session", "Planned end of the mentoring"]),
        ("h", "1. Why we meet"),
        ("p", "The mentee's goals for the mentoring, in the mentee's own words (for example: "
              "find a first job in logistics, prepare for interviews, test a business idea)."),
        ("box", "Goals", 4),
        ("h", "2. How we meet"),
        ("fields", ["How often we meet", "Face to face, online or both",
                    "Where, or which tools (chat, forum, video call)",
                    "How we reach each other between sessions",
                    "How much notice we give when a session has to move"]),
        ("h", "3. What each of us commits to"),
        ("p", "The mentee will:"),
        ("bullets", ["come to the agreed sessions, or say in advance when that is not possible;",
                     "fill in the diary after each session;",
                     "send filled-in documents to the mentor as forum attachments;",
                     "say openly what is and is not working."]),
        ("p", "The mentor will:"),
        ("bullets", ["prepare each session with the session plan;",
                     "listen, ask and share experience rather than decide for the mentee;",
                     "keep what the mentee says confidential, within the limits in part 4;",
                     "write the monitoring reports on time."]),
        ("p", "The manager will:"),
        ("bullets", ["support mentor and mentee throughout the programme;",
                     "step in when the mentoring relationship does not work;",
                     "keep the programme's documents safe and delete them when they are no "
                     "longer needed."]),
        ("h", "4. Confidentiality"),
        ("p", "What is said in the sessions stays between mentee and mentor. The mentor shares "
              "information with the manager only when the mentee agrees, or when someone's "
              "safety is at risk."),
        ("h", "5. Ending the mentoring"),
        ("p", "Either side may end the mentoring early after talking it through with the "
              "manager. At the end, mentee and mentor complete the final evaluation."),
        ("signatures", ["Mentee", "Mentor", "Manager"]),
    ),
)

LIST_OF_PARTICIPANTS = DefaultTemplate(
    key="participants",
    title="List of participants",
    filename="list-of-participants.docx",
    description=(
        "Everyone present at the initial mentoring and management session signs it. The "
        "manager prepares it and uploads the **signed scan**."
    ),
    filled_by="manager", mandatory=True, needs_signature=True, toolbar="managing",
    blocks=(
        ("p", "The list of everyone taking part in the initial mentoring and management "
              "session. Each participant signs to confirm they took part and agree that their "
              "contact details are used for the programme."),
        ("fields", ["Programme", "Mentoring group", "Date", "Place or online tool"]),
        ("table", ["No.", "Name", "Role (manager, mentor, mentee)", "Organisation",
                   "E-mail or phone", "Signature"],
         [[str(n), "", "", "", "", ""] for n in range(1, 11)]),
        ("p", "By signing, participants agree that the programme keeps this list for as long "
              "as the programme runs and for the reporting period its funders require."),
    ),
)

SESSION_PLAN = DefaultTemplate(
    key="session_plan",
    title="Session plan",
    filename="session-plan.docx",
    description=(
        "The course of action agreed after the initial session: which employability, "
        "entrepreneurship and monitoring sessions you hold, in what order. Upload a new "
        "version whenever the plan changes; earlier versions are kept."
    ),
    filled_by="mentor", mandatory=True, needs_signature=False, toolbar="managing",
    blocks=(
        ("p", "The course of action agreed after the initial session: which sessions the group "
              "will hold, in what order, and what the mentee wants from each. Update it when "
              "plans change and upload the new version."),
        ("fields", ["Mentoring group", "Mentor", "Mentee(s)", "Date agreed", "Reviewed on"]),
        ("h", "Goals"),
        ("table", ["Goal", "How we will know it is reached", "By when"], 3),
        ("h", "Sessions"),
        ("table", ["No.", "Date", "Type (employability, entrepreneurship, monitoring)", "Topic",
                   "Face to face or online", "Preparation for the mentee"],
         [[str(n), "", "", "", "", ""] for n in range(1, 9)]),
        ("h", "Ideas for the sessions"),
        ("bullets", ["Employability: skills and interests, CV and cover letter, job search, "
                     "interview practice, rights at work.",
                     "Entrepreneurship: from a business idea to a business model canvas, "
                     "market research, a first budget and a pitch.",
                     "Monitoring: at least one monitoring session halfway and one at the end."]),
    ),
)

MENTEE_DIARY = DefaultTemplate(
    key="diary",
    title="Mentee diary",
    filename="mentee-diary.docx",
    description=(
        "One page per session, filled in by the mentee while it is fresh and sent to the "
        "mentor as a forum attachment. The mentor uploads it for the group."
    ),
    filled_by="mentee", mandatory=True, needs_signature=False, toolbar="managing",
    blocks=(
        ("p", "Fill in one page after each session, while it is fresh. Send it to your mentor "
              "as a forum attachment; your mentor uploads it to the group's folder."),
        ("fields", ["Name", "Session number and date", "Type of session"]),
        ("p", "A few sentences in each box are enough; bullet points are fine. Your diary is "
              "shared with your group, so write only what you are happy for them to read."),
        ("box", "What we did", 3),
        ("box", "What I learned", 3),
        ("box", "What was difficult", 2),
        ("h", "Before the next session I will"),
        ("table", ["Action", "By when"], 3),
        ("box", "Questions I want to ask my mentor next time", 2),
        ("h", "How I feel about my progress (mark one)"),
        ("table", ["1 not good", "2", "3", "4", "5 very good"], 1),
    ),
)

MONITORING_REPORT = DefaultTemplate(
    key="monitoring_report",
    title="Monitoring report",
    filename="monitoring-report.docx",
    description=(
        "The mentor's short report after each monitoring session (at least halfway and at the "
        "end): sessions held, progress towards the goals, difficulties, support needed."
    ),
    filled_by="mentor", mandatory=True, needs_signature=False, toolbar="monitoring",
    blocks=(
        ("p", "The mentor's report on how the mentoring is going, written after each monitoring "
              "session. Upload it to the toolbar for monitoring the mentoring process."),
        ("fields", ["Mentoring group", "Mentor", "Period covered (from, to)",
                    "Date of the report"]),
        ("h", "Sessions held"),
        ("table", ["Date", "Type", "Mentee(s) present", "Face to face or online"], 6),
        ("h", "Progress towards the goals"),
        ("table", ["Goal (from the session plan)", "Progress", "Next step"], 3),
        ("box", "Attendance and engagement", 2),
        ("box", "Difficulties and how they were handled", 3),
        ("box", "Support needed from the manager", 2),
        ("box", "Changes to the session plan", 2),
        ("signatures", ["Mentor"]),
    ),
)

RELATIONSHIP_QUESTIONNAIRE = DefaultTemplate(
    key="relationship",
    title="Relationship-quality questionnaire",
    filename="relationship-quality-questionnaire.docx",
    description=(
        "Nine statements about the mentoring relationship, answered by the mentee from 1 to 5. "
        "Helps mentor and manager notice early when the relationship needs attention."
    ),
    filled_by="mentee", mandatory=False, needs_signature=False, toolbar="monitoring",
    blocks=(
        ("p", "A short questionnaire about your mentoring relationship. There are no right or "
              "wrong answers; your answers help your mentor and the manager improve the "
              "mentoring. Mark each statement from 1 (do not agree at all) to 5 (fully agree)."),
        ("fields", ["Mentoring group", "Date", "Name (optional)"]),
        ("table", ["Statement"] + SCALE, [[s] + [""] * 5 for s in (
            "I feel comfortable talking to my mentor about my problems.",
            "My mentor listens to me and takes my views seriously.",
            "My mentor helps me set goals that matter to me.",
            "I trust my mentor to keep what I say confidential.",
            "Our sessions are well prepared and useful.",
            "My mentor encourages me to try things on my own.",
            "I can reach my mentor when I need to.",
            "I feel more confident about finding work than before the mentoring.",
            "I would recommend having a mentor to a friend.",
        )]),
        ("box", "What do you value most in the mentoring?", 2),
        ("box", "What would you change?", 2),
    ),
)

FINAL_EVALUATION = DefaultTemplate(
    key="final_evaluation",
    title="Final evaluation",
    filename="final-evaluation.docx",
    description=(
        "Filled in at the last session: the mentee looks back at the goals and says what "
        "helped (part A); the mentor adds comments and next steps (part B)."
    ),
    filled_by="mentee", mandatory=True, needs_signature=False, toolbar="monitoring",
    blocks=(
        ("p", "Filled in at the last session. Part A is for the mentee, part B for the mentor."),
        ("fields", ["Mentoring group", "Mentee", "Mentor", "Date"]),
        ("h", "Part A: mentee"),
        ("table", ["Goal set at the start", "Reached (fully, partly, not)", "Comment"], 3),
        ("p", "What is your situation now? (mark all that apply)"),
        ("table", ["Working", "In training or education", "Starting a business",
                   "Looking for work", "Other"], 1),
        ("box", "Which sessions helped you most, and why?", 3),
        ("table", ["Overall, how useful was the mentoring?"] + SCALE, [[""] * 6]),
        ("box", "What should we change for future mentees?", 2),
        ("h", "Part B: mentor"),
        ("box", "How did the mentee develop during the mentoring?", 3),
        ("box", "Recommended next steps for the mentee", 2),
        ("signatures", ["Mentee", "Mentor"]),
    ),
)

DEFAULT_SET: tuple[DefaultTemplate, ...] = (
    MENTORING_CONTRACT, LIST_OF_PARTICIPANTS, SESSION_PLAN, MENTEE_DIARY, MONITORING_REPORT,
    RELATIONSHIP_QUESTIONNAIRE, FINAL_EVALUATION,
)
