"""Draw the diagrams of the shipped course (run once; the PNGs are committed).

    .venv/bin/python plugins/lessons/course/draw_images.py

Needs the DejaVu fonts (Debian: fonts-dejavu-core). Every diagram is also
described in full by the alt text of the page that shows it.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
FONTS = Path("/usr/share/fonts/truetype/dejavu")
INK, MUTED, LINE = (29, 29, 31), (84, 84, 88), (120, 124, 130)
BLUE, BLUE_BG = (11, 92, 173), (226, 238, 250)
GREEN, GREEN_BG = (27, 110, 47), (226, 243, 230)
AMBER, AMBER_BG = (138, 84, 0), (252, 241, 220)
GREY_BG = (244, 245, 247)


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")),
                              size)


def wrap(d: ImageDraw.ImageDraw, text: str, fnt: ImageFont.FreeTypeFont, max_w: int
         ) -> list[str]:
    """Break ``text`` into lines no wider than ``max_w`` pixels."""
    lines: list[str] = []
    for word in text.split():
        if lines and d.textlength(f"{lines[-1]} {word}", font=fnt) <= max_w:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def box(d: ImageDraw.ImageDraw, xy: tuple[int, int, int, int], title: str, body: str,
        colour: tuple, bg: tuple, number: str | None = None, width: int = 0) -> None:
    x0, y0, x1, y1 = xy
    d.rounded_rectangle(xy, radius=14, fill=bg, outline=colour, width=3)
    x = x0 + 18
    if number:
        d.ellipse((x, y0 + 16, x + 40, y0 + 56), fill=colour)
        d.text((x + 20, y0 + 36), number, font=font(22, True), fill="white", anchor="mm")
        x += 52
    y = y0 + 22
    for line in wrap(d, title, font(22, True), x1 - 18 - x):
        d.text((x, y), line, font=font(22, True), fill=INK)
        y += 28
    y = max(y + 8, y0 + 70)
    for line in wrap(d, body, font(19), x1 - x0 - 36):
        d.text((x0 + 18, y), line, font=font(19), fill=INK)
        y += 25


def arrow(d: ImageDraw.ImageDraw, a: tuple[int, int], b: tuple[int, int]) -> None:
    d.line((a, b), fill=LINE, width=5)
    (x0, y0), (x1, y1) = a, b
    if abs(x1 - x0) >= abs(y1 - y0):
        s = 1 if x1 > x0 else -1
        d.polygon([(x1, y1), (x1 - 16 * s, y1 - 10), (x1 - 16 * s, y1 + 10)], fill=LINE)
    else:
        s = 1 if y1 > y0 else -1
        d.polygon([(x1, y1), (x1 - 10, y1 - 16 * s), (x1 + 10, y1 - 16 * s)], fill=LINE)


def canvas(w: int, h: int, title: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    d.text((40, 28), title, font=font(30, True), fill=INK)
    return img, d


def process() -> Image.Image:
    img, d = canvas(1200, 560, "The blended mentoring process")
    steps = [
        ("Templates", "Download only, from Managing and monitoring tools."),
        ("Initial session", "Manager, mentor and mentees; contract and list of "
                            "participants signed."),
        ("Session plan", "A course of action chosen by the mentor with the mentee."),
        ("Sessions", "Employability, entrepreneurship and monitoring; chat in every "
                     "session."),
        ("Diaries", "The mentee writes a diary after each session, shared with the group."),
        ("Monitoring", "Reports, the relationship questionnaire, outcomes, final "
                       "evaluation."),
    ]
    w, h, gap = 340, 180, 50
    for i, (title, body) in enumerate(steps):
        row, col = divmod(i, 3)
        if row == 1:
            col = 2 - col  # the second row runs back, like a snake
        x, y = 40 + col * (w + gap), 100 + row * (h + 60)
        colour, bg = ((BLUE, BLUE_BG), (GREEN, GREEN_BG), (AMBER, AMBER_BG))[i // 2]
        box(d, (x, y, x + w, y + h), title, body, colour, bg, str(i + 1))
    arrow(d, (380, 190), (430, 190))
    arrow(d, (770, 190), (820, 190))
    arrow(d, (990, 280), (990, 340))
    arrow(d, (820, 430), (770, 430))
    arrow(d, (430, 430), (380, 430))
    return img


def documents() -> Image.Image:
    img, d = canvas(1200, 780, "Where documents go")
    box(d, (40, 100, 390, 300), "Templates section",
        "Managing and monitoring tools. Everybody downloads from here. Nobody uploads "
        "filled-in documents here.", MUTED, GREY_BG, width=24)
    box(d, (430, 100, 1160, 290), "Toolbar for managing the mentoring process",
        "In the section of the initial session, one per group: the contract and list of "
        "participants (signed, then scanned), the session plan, the diaries and other "
        "filled-in management documents.", BLUE, BLUE_BG, width=52)
    box(d, (430, 320, 1160, 460), "Toolbar for monitoring the mentoring process",
        "In the monitoring section, one per group: every monitoring document.", GREEN,
        GREEN_BG, width=52)
    d.text((430, 480), "Only managers and mentors upload to the toolbars.", font=font(21, True),
           fill=INK)
    box(d, (40, 560, 390, 740), "Mentee", "Fills in a document and attaches it to a post in "
        "the group's forum.", AMBER, AMBER_BG, width=24)
    box(d, (460, 560, 790, 740), "Forum", "The group's forum: visible to the group and the "
        "managers only.", AMBER, AMBER_BG, width=24)
    box(d, (860, 560, 1160, 740), "Mentor", "Files the document into the right toolbar.",
        BLUE, BLUE_BG, width=22)
    arrow(d, (390, 650), (455, 650))
    arrow(d, (790, 650), (855, 650))
    arrow(d, (1110, 560), (1110, 470))
    arrow(d, (215, 300), (215, 540))
    d.text((230, 410), "download", font=font(19), fill=MUTED)
    return img


def speed_mentoring() -> Image.Image:
    img, d = canvas(1200, 740, "Digital speed mentoring: the Centria pilot")
    d.text((40, 80), "Students (actors) and company mentors on the Mesensei platform",
           font=font(21), fill=MUTED)
    d.rounded_rectangle((40, 130, 1160, 190), radius=10, fill=BLUE_BG, outline=BLUE, width=3)
    d.text((60, 160), "Before: video and text materials", font=font(20, True), fill=INK,
           anchor="lm")
    d.text((520, 160), "1.2.2021  →  weekly plan  →  31.3.2021", font=font(22, True),
           fill=BLUE, anchor="lm")
    for i, (n, label) in enumerate([("28", "students made a profile"),
                                    ("11", "mentors"), ("5", "companies of the region")]):
        x = 40 + i * 380
        d.rounded_rectangle((x, 220, x + 350, 360), radius=14, fill=GREEN_BG, outline=GREEN,
                            width=3)
        d.text((x + 175, 270), n, font=font(52, True), fill=GREEN, anchor="mm")
        d.text((x + 175, 330), label, font=font(21), fill=INK, anchor="mm")
    d.text((40, 395), "Suggested conversation topics (optional):", font=font(22, True),
           fill=INK)
    topics = ["The student's expectations of speed mentoring",
              "The mentor's career story, with tips",
              "Future skills and working life",
              "What students have learned: how it shows in working life today",
              "Discussions about the IT field"]
    for i, t in enumerate(topics):
        y = 440 + i * 52
        d.rounded_rectangle((40, y, 1160, y + 42), radius=8, fill=AMBER_BG, outline=AMBER,
                            width=2)
        d.text((60, y + 21), t, font=font(20), fill=INK, anchor="lm")
    return img


def mentee_documents() -> Image.Image:
    img, d = canvas(1200, 500, "How your documents travel")
    steps = [("Download", "Get the template from Managing and monitoring tools."),
             ("Fill in", "On your computer or phone."),
             ("Attach it", "Send it to your mentor as an attachment in your group's forum."),
             ("Mentor files", "Your mentor puts it in your group's folder. Only mentors "
                              "and managers upload there.")]
    for i, (title, body) in enumerate(steps):
        x = 40 + i * 285
        box(d, (x, 100, x + 250, 340), title, body, (BLUE, GREEN, AMBER, BLUE)[i],
            (BLUE_BG, GREEN_BG, AMBER_BG, BLUE_BG)[i], str(i + 1), width=17)
        if i < 3:
            arrow(d, (x + 252, 220), (x + 283, 220))
    d.rounded_rectangle((40, 375, 1160, 470), radius=12, fill=GREY_BG, outline=MUTED, width=2)
    d.text((60, 395), "Documents that need a signature (the contract, the list of participants):",
           font=font(20, True), fill=INK)
    d.text((60, 430), "you sign them; your mentor or the manager scans and uploads them.",
           font=font(20), fill=INK)
    return img


def main() -> None:
    drawn = {"process.png": process(), "documents.png": documents(),
             "speed-mentoring.png": speed_mentoring(),
             "mentee-documents.png": mentee_documents()}
    uses = {"manager": ["process.png", "documents.png", "speed-mentoring.png"],
            "mentor": ["process.png", "documents.png", "speed-mentoring.png"],
            "mentee": ["mentee-documents.png", "speed-mentoring.png"]}
    for track, names in uses.items():
        folder = HERE / track / "images"
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            drawn[name].save(folder / name, optimize=True)


if __name__ == "__main__":
    main()
