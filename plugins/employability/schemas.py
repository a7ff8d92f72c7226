"""The five employability worksheets, one per session type."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from core.worksheets import Field, Schema

P = "employability"

LEVELS = (("basic", _l("Basic")), ("good", _l("Good")), ("very_good", _l("Very good")))

SKILLS = Schema(
    name=f"{P}.skills", plugin=P, title=_l("Skills and interests assessment"),
    intro=_l("Take stock of what you can do and what you like doing. There are no wrong "
             "answers: this is the starting point for choosing where to look for work."),
    fields=(
        Field("interests", _l("What do you enjoy doing, at work, at school or in your free "
                              "time?"), required=True),
        Field("strengths", _l("Strengths you recognise in yourself"), kind="choices", choices=(
            ("communication", _l("Talking and listening to people")),
            ("teamwork", _l("Working in a team")),
            ("problem_solving", _l("Solving problems")),
            ("digital", _l("Using computers and apps")),
            ("languages", _l("Languages")),
            ("customers", _l("Serving customers")),
            ("organising", _l("Planning and organising")),
            ("hands_on", _l("Practical, manual or technical work")),
            ("creativity", _l("Creative work")),
            ("care", _l("Caring for others")),
        )),
        Field("skills", _l("Skills and where you learned them"), kind="table", columns=(
            Field("skill", _l("Skill"), kind="text", max_length=200),
            Field("where", _l("Where I learned it"), kind="text", max_length=200),
            Field("level", _l("Level"), kind="choice", choices=LEVELS),
        ), help=_l("Think of school, jobs, volunteering, family duties and hobbies.")),
        Field("values", _l("What matters to you in a job"), kind="choices", choices=(
            ("income", _l("A steady income")),
            ("hours", _l("Flexible working hours")),
            ("people", _l("Working with people")),
            ("outdoors", _l("Working outdoors")),
            ("learning", _l("Learning new things")),
            ("helping", _l("Helping others")),
            ("own_boss", _l("Being my own boss")),
        )),
        Field("fields", _l("Jobs or fields of work you would like to explore"), required=True),
        Field("develop", _l("Skills you want to develop during the mentoring")),
    ),
)

CV = Schema(
    name=f"{P}.cv", plugin=P, title=_l("CV and cover letter"),
    intro=_l("Collect the content of your CV and draft a cover letter for one real "
             "vacancy. Your mentor comments on both."),
    fields=(
        Field("target", _l("The job you are applying for"), kind="text", max_length=200,
              required=True),
        Field("profile", _l("Your profile in three or four sentences"), required=True,
              help=_l("Who you are, what you can offer and what you are looking for.")),
        Field("experience", _l("Work experience, internships and volunteering"), kind="table",
              columns=(
                  Field("period", _l("Period"), kind="text", max_length=60),
                  Field("role", _l("Role"), kind="text", max_length=200),
                  Field("organisation", _l("Organisation"), kind="text", max_length=200),
                  Field("tasks", _l("Main tasks and results"), kind="text", max_length=500),
              )),
        Field("education", _l("Education and training"), kind="table", columns=(
            Field("period", _l("Period"), kind="text", max_length=60),
            Field("school", _l("School or course"), kind="text", max_length=200),
            Field("qualification", _l("Qualification"), kind="text", max_length=200),
        )),
        Field("other_skills", _l("Languages, digital skills and driving licence")),
        Field("letter", _l("Draft cover letter"), max_length=8000,
              help=_l("Why this job, why this employer, what you bring. One page at most.")),
        Field("questions", _l("What should your mentor look at in particular?")),
    ),
)

JOB_SEARCH = Schema(
    name=f"{P}.job_search", plugin=P, title=_l("Job-search plan"),
    intro=_l("Decide where and how you look for work, set yourself steps with dates and "
             "keep track of your applications."),
    fields=(
        Field("goal", _l("Your job goal"), kind="text", max_length=300, required=True),
        Field("channels", _l("Where you will look"), kind="choices", choices=(
            ("portals", _l("Job portals")),
            ("office", _l("The employment office")),
            ("social", _l("Social media")),
            ("network", _l("Family, friends and acquaintances")),
            ("direct", _l("Asking employers directly")),
            ("agencies", _l("Recruitment agencies")),
            ("fairs", _l("Job fairs")),
        )),
        Field("hours", _l("Hours a week you will spend on your job search"), kind="number",
              minimum=Decimal(0), maximum=Decimal(80)),
        Field("steps", _l("Next steps"), kind="table", columns=(
            Field("step", _l("Step"), kind="text", max_length=300),
            Field("by", _l("By when"), kind="date"),
            Field("done", _l("Done"), kind="choice", choices=(("yes", _l("Yes")),
                                                               ("no", _l("Not yet")))),
        )),
        Field("applications", _l("Applications sent"), kind="table", columns=(
            Field("employer", _l("Employer"), kind="text", max_length=200),
            Field("position", _l("Position"), kind="text", max_length=200),
            Field("sent", _l("Sent on"), kind="date"),
            Field("result", _l("Result"), kind="choice", choices=(
                ("waiting", _l("Waiting")), ("interview", _l("Invited to an interview")),
                ("rejected", _l("Not selected")), ("offer", _l("Job offer")))),
        )),
        Field("support", _l("Support you need from your mentor")),
    ),
)

INTERVIEW = Schema(
    name=f"{P}.interview", plugin=P, title=_l("Interview practice"),
    intro=_l("Prepare for a job interview, practise it with your mentor and note what to "
             "keep and what to change."),
    fields=(
        Field("job", _l("The job the practice interview is for"), kind="text", max_length=300,
              required=True),
        Field("preparation", _l("What you know about the employer and the job")),
        Field("answers", _l("Questions and your answers"), kind="table", columns=(
            Field("question", _l("Question"), kind="text", max_length=300),
            Field("answer", _l("Your answer in short"), kind="text", max_length=1000),
        ), help=_l("For example: tell us about yourself; why do you want this job; what are "
                   "your strengths; describe a difficult situation you handled.")),
        Field("went_well", _l("What went well")),
        Field("improve", _l("What to improve next time")),
        Field("confidence", _l("How confident do you feel about interviews now?"),
              kind="choice", choices=(("1", _l("Not at all")), ("2", _l("A little")),
                                      ("3", _l("Somewhat")), ("4", _l("Quite")),
                                      ("5", _l("Very")))),
    ),
)

RIGHTS = Schema(
    name=f"{P}.rights", plugin=P, title=_l("Rights and expectations at work"),
    intro=_l("Know your rights and duties before you sign a contract, and say what you "
             "expect from an employer."),
    fields=(
        Field("contracts", _l("Kinds of employment contract you know and what they mean")),
        Field("checklist", _l("I know about…"), kind="choices", choices=(
            ("wage", _l("the minimum wage and how I am paid")),
            ("hours", _l("working hours, breaks and overtime")),
            ("leave", _l("paid holidays")),
            ("sick", _l("what to do when I am ill")),
            ("probation", _l("the probation period and notice")),
            ("safety", _l("health and safety at work")),
            ("help", _l("where to get help: trade union, labour inspectorate")),
        )),
        Field("employer_expects", _l("What an employer expects of you"), required=True),
        Field("you_expect", _l("What you can expect of an employer"), required=True),
        Field("questions", _l("Questions you still have")),
    ),
)

SCHEMAS = [SKILLS, CV, JOB_SEARCH, INTERVIEW, RIGHTS]
