"""The shipped exercise library and program templates, as plain data (no ORM, no settings).

A data migration copies them into every database with clinic=NULL, matched by `key`, so a fresh
database (the test suite, `make run`) has them. Changing this file later needs a new migration
that syncs again: the rows, not this module, are what programs point at.

Instructions are written for this project in plain patient language. NICE NG59 advises against
traction, TENS/PENS, interferential therapy and belts or corsets: they are not in the library
and `programs.models.NOT_RECOMMENDED` keeps clinics from adding them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Codes, as the models' choices spell them.
CATEGORIES = ("mobility", "stretching", "strengthening", "motor_control", "aerobic", "self_care")
DIRECTIONS = ("flexion", "extension", "neutral", "rotation")
DIFFICULTIES = ("easy", "moderate", "hard")
PATHWAYS = ("advice_self_management", "physiotherapy", "psychologically_informed_physiotherapy")


@dataclass(frozen=True, slots=True)
class Dosage:
    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    duration_minutes: int | None = None
    times_per_day: int = 1
    days_per_week: int = 7


@dataclass(frozen=True, slots=True)
class LibraryExercise:
    key: str
    name: str
    purpose: str
    steps: tuple[str, ...]
    category: str
    direction: str
    difficulty: str
    dosage: Dosage
    cautions: str


@dataclass(frozen=True, slots=True)
class LibraryTemplateItem:
    exercise: str  # an exercise key
    dosage: Dosage | None = None  # None: the exercise's default dosage
    notes: str = ""


@dataclass(frozen=True, slots=True)
class LibraryTemplate:
    key: str
    name: str
    description: str
    pathway: str
    position: int  # the lowest position of a pathway is the template suggested for it
    duration_weeks: int | None
    progression_notes: str
    items: tuple[LibraryTemplateItem, ...] = field(default_factory=tuple)


STOP_RULE = (
    "Stop and contact your clinic if pain spreads further down your leg, or you feel new "
    "numbness, pins and needles or weakness in a leg."
)

EXERCISES: tuple[LibraryExercise, ...] = (
    # --- extension ---------------------------------------------------------------------------
    LibraryExercise(
        key="prone-lying",
        name="Lying face down",
        purpose="Lets the back settle into a gentle backward curve; the first step of "
        "extension exercises.",
        steps=(
            "Lie on your front on a bed or a mat on the floor, arms by your sides.",
            "Turn your head to whichever side is comfortable.",
            "Let your back and bottom muscles go loose and breathe slowly.",
            "Stay there for the time on your plan, then roll onto your side to get up.",
        ),
        category="mobility",
        direction="extension",
        difficulty="easy",
        dosage=Dosage(duration_minutes=3, times_per_day=3),
        cautions="Use a pillow under your tummy if lying flat is too much at first. " + STOP_RULE,
    ),
    LibraryExercise(
        key="prone-on-elbows",
        name="Lying face down on elbows",
        purpose="Increases the backward curve of the lower back a little more than lying flat.",
        steps=(
            "Lie on your front with your elbows under your shoulders and forearms flat.",
            "Lift your chest by leaning on your forearms; keep your hips on the floor.",
            "Let your lower back and bottom relax and sag.",
            "Hold for the time on your plan, then lower down slowly.",
        ),
        category="mobility",
        direction="extension",
        difficulty="easy",
        dosage=Dosage(sets=1, reps=3, hold_seconds=60, times_per_day=3),
        cautions="Start with lying face down if this feels too much. " + STOP_RULE,
    ),
    LibraryExercise(
        key="prone-press-up",
        name="Press-up lying face down",
        purpose="Moves the lower back repeatedly into extension; often eases pain that is worse "
        "with sitting or bending forward.",
        steps=(
            "Lie on your front with your hands flat under your shoulders, as for a press-up.",
            "Keep your hips and legs relaxed on the floor.",
            "Straighten your arms slowly to lift your upper body, as far as is comfortable.",
            "Pause for a second or two at the top, breathing out, then lower slowly.",
            "Each time, try to go a little further if it feels all right.",
        ),
        category="mobility",
        direction="extension",
        difficulty="moderate",
        dosage=Dosage(sets=1, reps=10, times_per_day=4),
        cautions="Pain that moves towards the middle of the back is a good sign. " + STOP_RULE,
    ),
    LibraryExercise(
        key="standing-back-extension",
        name="Standing back bend",
        purpose="A standing version of extension you can do anywhere, for example after sitting.",
        steps=(
            "Stand with your feet hip-width apart.",
            "Put your hands on your lower back, fingers pointing down.",
            "Lean backwards gently over your hands, keeping your knees straight.",
            "Hold for a moment, then return to standing upright.",
        ),
        category="mobility",
        direction="extension",
        difficulty="easy",
        dosage=Dosage(sets=1, reps=10, times_per_day=3),
        cautions="Stand near a wall or a worktop if you feel unsteady. " + STOP_RULE,
    ),
    # --- flexion -----------------------------------------------------------------------------
    LibraryExercise(
        key="cat-camel",
        name="Cat-camel",
        purpose="Loosens the whole spine by rounding and gently hollowing the back on all fours.",
        steps=(
            "Kneel on all fours with hands under shoulders and knees under hips.",
            "Breathe out and round your back up towards the ceiling, letting your head drop.",
            "Breathe in and let your back sink slowly into a gentle dip, looking ahead.",
            "Move slowly between the two positions without forcing either end.",
        ),
        category="mobility",
        direction="flexion",
        difficulty="easy",
        dosage=Dosage(sets=1, reps=10, times_per_day=2),
        cautions="The rounding part bends the back forward: keep it small if that is what "
        "hurts. Put a folded towel under your knees if kneeling is uncomfortable.",
    ),
    LibraryExercise(
        key="pelvic-tilt",
        name="Pelvic tilt",
        purpose="Gently moves the lower back and wakes up the deep tummy muscles; easy to do "
        "even when a spasm has just started.",
        steps=(
            "Lie on your back with your knees bent and feet flat.",
            "Tighten your tummy muscles and flatten your lower back into the floor, tipping your "
            "pelvis up slightly.",
            "Hold for the count on your plan while breathing normally.",
            "Relax and let your back return to its natural curve.",
        ),
        category="motor_control",
        direction="flexion",
        difficulty="easy",
        dosage=Dosage(sets=1, reps=10, hold_seconds=5, times_per_day=2),
        cautions="Keep the movement small and comfortable.",
    ),
    LibraryExercise(
        key="knee-to-chest",
        name="Single knee to chest",
        purpose="Stretches the lower back and bottom muscles.",
        steps=(
            "Lie on your back with both knees bent and feet flat.",
            "Hold behind one knee and draw it gently towards your chest.",
            "Keep the other foot on the floor and your head relaxed.",
            "Hold for the time on your plan, then lower the leg slowly and swap sides.",
        ),
        category="stretching",
        direction="flexion",
        difficulty="easy",
        dosage=Dosage(sets=1, reps=3, hold_seconds=20, times_per_day=2),
        cautions="Bends the lower back forward. Hold behind the thigh rather than over the knee "
        "if your knee is sore.",
    ),
    LibraryExercise(
        key="double-knee-to-chest",
        name="Both knees to chest",
        purpose="A stronger stretch of the lower back once one knee at a time is easy.",
        steps=(
            "Lie on your back with both knees bent.",
            "Bring one knee up, then the other, and hold them behind the thighs.",
            "Draw both knees gently towards your chest until you feel a stretch in your lower "
            "back.",
            "Hold, then lower one leg at a time back to the floor.",
        ),
        category="stretching",
        direction="flexion",
        difficulty="easy",
        dosage=Dosage(sets=1, reps=3, hold_seconds=20, times_per_day=2),
        cautions="Bends the lower back forward. Lower your legs one at a time.",
    ),
    LibraryExercise(
        key="rock-back",
        name="Kneeling rock-back (child's pose)",
        purpose="Stretches the lower back and hips from all fours.",
        steps=(
            "Kneel on all fours with hands under shoulders and knees under hips.",
            "Keeping your hands where they are, sit your bottom back towards your heels.",
            "Go only as far as is comfortable and let your back round and relax.",
            "Hold, breathe slowly, then come back to all fours.",
        ),
        category="stretching",
        direction="flexion",
        difficulty="easy",
        dosage=Dosage(sets=1, reps=5, hold_seconds=15, times_per_day=2),
        cautions="Bends the lower back forward. Put a pillow between your calves and thighs "
        "if your knees complain.",
    ),
    # --- rotation ----------------------------------------------------------------------------
    LibraryExercise(
        key="lower-trunk-rotation",
        name="Knee rolls",
        purpose="Gently turns the lower back from side to side to ease stiffness.",
        steps=(
            "Lie on your back with knees bent, feet together and arms out to the sides.",
            "Keeping your shoulders on the floor, let both knees roll slowly to one side.",
            "Go only as far as is comfortable, then bring them back to the middle.",
            "Roll to the other side. That is one repetition.",
        ),
        category="mobility",
        direction="rotation",
        difficulty="easy",
        dosage=Dosage(sets=1, reps=10, times_per_day=2),
        cautions="Twists the back: keep the movement small if turning is what sets your spasm off.",
    ),
    LibraryExercise(
        key="seated-rotation",
        name="Seated trunk turn",
        purpose="Keeps the middle and lower back moving during long spells of sitting.",
        steps=(
            "Sit upright on a firm chair with your feet flat.",
            "Cross your arms over your chest.",
            "Turn your upper body slowly to one side, keeping your hips facing forward.",
            "Return to the middle and turn to the other side.",
        ),
        category="mobility",
        direction="rotation",
        difficulty="easy",
        dosage=Dosage(sets=1, reps=10, times_per_day=3),
        cautions="Twists the back. Move slowly and never bounce at the end of the turn.",
    ),
    # --- neutral strengthening and control ---------------------------------------------------
    LibraryExercise(
        key="abdominal-bracing",
        name="Tummy muscle bracing",
        purpose="Teaches the deep tummy muscles to support the back while you breathe normally.",
        steps=(
            "Lie on your back with knees bent, or sit upright.",
            "Breathe in, then as you breathe out gently draw your lower tummy in, as if "
            "tightening a belt by one notch.",
            "Hold that light tension while you keep breathing normally.",
            "Relax fully before the next one.",
        ),
        category="motor_control",
        direction="neutral",
        difficulty="easy",
        dosage=Dosage(sets=1, reps=10, hold_seconds=10, times_per_day=2),
        cautions="Use only light effort: about a third of your strongest squeeze. Do not hold "
        "your breath.",
    ),
    LibraryExercise(
        key="glute-bridge",
        name="Bottom lift (glute bridge)",
        purpose="Strengthens the bottom and back-of-thigh muscles that support the lower back.",
        steps=(
            "Lie on your back with knees bent, feet flat and hip-width apart.",
            "Tighten your tummy muscles lightly and squeeze your bottom.",
            "Lift your hips until your body is in a straight line from shoulders to knees.",
            "Hold for a moment, then lower slowly.",
        ),
        category="strengthening",
        direction="neutral",
        difficulty="easy",
        dosage=Dosage(sets=2, reps=10, hold_seconds=3, days_per_week=5),
        cautions="Lift only as high as you can without arching your back.",
    ),
    LibraryExercise(
        key="single-leg-bridge",
        name="Single-leg bottom lift",
        purpose="A harder bridge that builds strength and control on each side.",
        steps=(
            "Lie on your back with knees bent and feet flat.",
            "Straighten one leg so the thighs stay level.",
            "Push through the other foot to lift your hips, keeping them level.",
            "Lower slowly and repeat, then swap legs.",
        ),
        category="strengthening",
        direction="neutral",
        difficulty="hard",
        dosage=Dosage(sets=2, reps=8, days_per_week=3),
        cautions="Go back to the two-leg bridge if your hips drop or your back aches.",
    ),
    LibraryExercise(
        key="bird-dog",
        name="Bird-dog",
        purpose="Trains the back and bottom muscles to keep the spine steady while the arms and "
        "legs move.",
        steps=(
            "Kneel on all fours with hands under shoulders and knees under hips.",
            "Tighten your tummy muscles lightly and keep your back flat.",
            "Slide one leg back and lift it to hip height; add the opposite arm when this is easy.",
            "Hold for the count on your plan without letting your back sag or twist.",
            "Return slowly and swap sides.",
        ),
        category="motor_control",
        direction="neutral",
        difficulty="moderate",
        dosage=Dosage(sets=2, reps=6, hold_seconds=5, days_per_week=5),
        cautions="Only lift as high as you can without your back moving.",
    ),
    LibraryExercise(
        key="dead-bug",
        name="Dead bug",
        purpose="Builds tummy muscle control while lying safely on your back.",
        steps=(
            "Lie on your back with your knees bent up over your hips and arms pointing to the "
            "ceiling.",
            "Press your lower back gently towards the floor.",
            "Slowly lower one heel to tap the floor, keeping your back still, then bring it back.",
            "Swap legs. Add the opposite arm moving overhead once this is easy.",
        ),
        category="motor_control",
        direction="neutral",
        difficulty="moderate",
        dosage=Dosage(sets=2, reps=8, days_per_week=5),
        cautions="Stop the movement short if your back starts to arch off the floor.",
    ),
    LibraryExercise(
        key="side-plank-modified",
        name="Side plank on knees",
        purpose="Strengthens the muscles along the side of the trunk with less load on the back "
        "than a full side plank.",
        steps=(
            "Lie on your side with your elbow under your shoulder and knees bent behind you.",
            "Lift your hips so your body is in a straight line from head to knees.",
            "Hold for the time on your plan, breathing normally.",
            "Lower slowly and repeat on the other side.",
        ),
        category="strengthening",
        direction="neutral",
        difficulty="moderate",
        dosage=Dosage(sets=2, reps=3, hold_seconds=15, days_per_week=4),
        cautions="Avoid if your shoulder hurts. Keep your hips stacked, not rolling back.",
    ),
    LibraryExercise(
        key="side-plank",
        name="Side plank",
        purpose="A full side plank for the later stages of strengthening.",
        steps=(
            "Lie on your side with your elbow under your shoulder and legs straight, feet stacked.",
            "Lift your hips so your body is straight from head to feet.",
            "Hold for the time on your plan, breathing normally.",
            "Lower slowly and repeat on the other side.",
        ),
        category="strengthening",
        direction="neutral",
        difficulty="hard",
        dosage=Dosage(sets=2, reps=3, hold_seconds=20, days_per_week=3),
        cautions="Go back to the side plank on knees if you cannot keep a straight line.",
    ),
    LibraryExercise(
        key="clamshell",
        name="Clamshell",
        purpose="Strengthens the muscles at the side of the hip that steady the pelvis.",
        steps=(
            "Lie on your side with hips and knees bent and your feet together.",
            "Keep your feet touching and lift the top knee like a clam opening.",
            "Do not let your top hip roll backwards.",
            "Lower slowly. Finish the set, then turn over for the other side.",
        ),
        category="strengthening",
        direction="neutral",
        difficulty="easy",
        dosage=Dosage(sets=2, reps=12, days_per_week=4),
        cautions="A small movement done well is better than a big one with the hip rolling.",
    ),
    LibraryExercise(
        key="sit-to-stand",
        name="Sit to stand",
        purpose="Practises getting up from a chair with the back steady and the legs doing the "
        "work.",
        steps=(
            "Sit near the front of a firm chair with feet hip-width apart, slightly behind your "
            "knees.",
            "Lean forward from the hips with a long back, nose over toes.",
            "Push through your heels to stand up tall.",
            "Sit back down slowly and with control.",
        ),
        category="strengthening",
        direction="neutral",
        difficulty="easy",
        dosage=Dosage(sets=2, reps=10, days_per_week=5),
        cautions="Use your hands on the chair arms at first if you need to. Use a higher seat "
        "to make it easier.",
    ),
    LibraryExercise(
        key="hip-hinge",
        name="Hip hinge practice",
        purpose="Learns to bend forward from the hips rather than the lower back, for lifting "
        "and reaching.",
        steps=(
            "Stand with feet hip-width apart and knees soft.",
            "Hold a broom handle along your back so it touches your head, upper back and tailbone.",
            "Push your hips backwards and lean forward, keeping all three points touching the "
            "stick.",
            "Go as far as you can without losing contact, then stand up by squeezing your bottom.",
        ),
        category="motor_control",
        direction="neutral",
        difficulty="moderate",
        dosage=Dosage(sets=2, reps=10, days_per_week=5),
        cautions="Move slowly; this is about control, not range.",
    ),
    LibraryExercise(
        key="mini-squat",
        name="Wall mini squat",
        purpose="Strengthens the thigh and hip muscles used for lifting and getting up.",
        steps=(
            "Stand with your back against a wall and your feet a step away from it.",
            "Slide down the wall by bending your knees a little, as if starting to sit.",
            "Hold for a moment, then push back up.",
            "Go a little lower each week if it feels fine.",
        ),
        category="strengthening",
        direction="neutral",
        difficulty="moderate",
        dosage=Dosage(sets=2, reps=10, days_per_week=4),
        cautions="Keep your knees in line with your toes; stop short of any knee pain.",
    ),
    LibraryExercise(
        key="step-up",
        name="Step-ups",
        purpose="Builds leg strength and balance for stairs, running and getting back to sport.",
        steps=(
            "Stand facing a bottom stair or a sturdy low step.",
            "Step up with one foot and push through it to bring the other foot up.",
            "Step down with control, leading with the same foot.",
            "Finish the set, then lead with the other leg.",
        ),
        category="strengthening",
        direction="neutral",
        difficulty="moderate",
        dosage=Dosage(sets=2, reps=10, days_per_week=3),
        cautions="Hold a rail for balance. Keep your knee over your foot.",
    ),
    # --- stretches ---------------------------------------------------------------------------
    LibraryExercise(
        key="hamstring-stretch",
        name="Hamstring stretch lying down",
        purpose="Stretches the back of the thigh; tight hamstrings pull on the pelvis.",
        steps=(
            "Lie on your back with both knees bent.",
            "Loop a towel or strap around one foot and straighten that leg up towards the ceiling.",
            "Pull gently until you feel a stretch behind the thigh, keeping the knee fairly "
            "straight.",
            "Hold, breathe slowly, then lower and swap legs.",
        ),
        category="stretching",
        direction="neutral",
        difficulty="easy",
        dosage=Dosage(sets=1, reps=3, hold_seconds=30, times_per_day=1),
        cautions="Feel a stretch, not pain. Stop if it brings on tingling or pain down the leg.",
    ),
    LibraryExercise(
        key="hip-flexor-stretch",
        name="Hip flexor stretch (half kneeling)",
        purpose="Stretches the front of the hip, which gets tight with sitting, cycling and "
        "running.",
        steps=(
            "Kneel on one knee on a cushion with the other foot flat in front.",
            "Tuck your tailbone under and tighten your bottom on the kneeling side.",
            "Shift your weight forward gently until you feel a stretch at the front of the hip.",
            "Hold, then swap sides.",
        ),
        category="stretching",
        direction="neutral",
        difficulty="moderate",
        dosage=Dosage(sets=1, reps=3, hold_seconds=30, times_per_day=1),
        cautions="Keep your back from arching. Hold a chair for balance.",
    ),
    LibraryExercise(
        key="piriformis-stretch",
        name="Piriformis (deep buttock) stretch",
        purpose="Eases tightness deep in the bottom that can add to back and buttock pain.",
        steps=(
            "Lie on your back with both knees bent.",
            "Cross one ankle over the opposite knee.",
            "Hold behind the thigh of the lower leg and draw it gently towards you.",
            "Hold when you feel a stretch in the bottom of the crossed leg, then swap sides.",
        ),
        category="stretching",
        direction="neutral",
        difficulty="easy",
        dosage=Dosage(sets=1, reps=3, hold_seconds=30, times_per_day=1),
        cautions="Stop if it brings on tingling or pain down the leg.",
    ),
    # --- aerobic -----------------------------------------------------------------------------
    LibraryExercise(
        key="graded-walking",
        name="Graded walking",
        purpose="Keeps you active, which helps back pain settle faster than rest; builds up "
        "a little at a time.",
        steps=(
            "Walk at a comfortable pace on flat ground for the time on your plan.",
            "Wear supportive shoes and swing your arms naturally.",
            "Add one or two minutes every few days if your back feels no worse the next morning.",
            "On a bad day, do a shorter walk rather than none.",
        ),
        category="aerobic",
        direction="neutral",
        difficulty="easy",
        dosage=Dosage(duration_minutes=10, times_per_day=2),
        cautions="Build up by time, not by how you feel on a good day.",
    ),
    LibraryExercise(
        key="walk-jog",
        name="Walk-jog intervals",
        purpose="Brings running back gradually after a back spasm.",
        steps=(
            "Warm up with 5 minutes of brisk walking.",
            "Jog easily for 1 minute, then walk for 2 minutes.",
            "Repeat for the time on your plan, on flat ground.",
            "Lengthen the jogging spells only when a session leaves your back no worse the "
            "next day.",
        ),
        category="aerobic",
        direction="neutral",
        difficulty="hard",
        dosage=Dosage(duration_minutes=20, days_per_week=3),
        cautions="Never run to exhaustion while returning; drink enough in hot weather.",
    ),
    LibraryExercise(
        key="easy-swim",
        name="Easy swimming",
        purpose="Brings swimming back with strokes and distances the back tolerates.",
        steps=(
            "Warm up with a few minutes of walking or gentle movement before getting in.",
            "Swim easy lengths of front crawl or backstroke at a relaxed pace.",
            "Rest at the wall whenever you need to.",
            "Add a few lengths each week if your back is no worse afterwards.",
        ),
        category="aerobic",
        direction="neutral",
        difficulty="moderate",
        dosage=Dosage(duration_minutes=15, days_per_week=2),
        cautions="Breaststroke with the head held up arches the back: leave it until later. "
        "Move about gently after the swim rather than sitting still.",
    ),
    # --- self-care ---------------------------------------------------------------------------
    LibraryExercise(
        key="heat",
        name="Heat",
        purpose="Warmth relaxes muscle spasm and eases pain so you can keep moving.",
        steps=(
            "Use a heat pack or a hot-water bottle wrapped in a towel.",
            "Place it on the sore area while lying or sitting comfortably.",
            "Leave it for the time on your plan, checking your skin every few minutes.",
            "Follow it with some gentle movement.",
        ),
        category="self_care",
        direction="neutral",
        difficulty="easy",
        dosage=Dosage(duration_minutes=15, times_per_day=3),
        cautions="Never put heat straight on the skin, on numb skin, or fall asleep on it. "
        "Warm, not hot.",
    ),
    LibraryExercise(
        key="cold",
        name="Cold pack",
        purpose="Cold can dull pain, especially in the first days of a flare.",
        steps=(
            "Wrap an ice pack or a bag of frozen peas in a damp towel.",
            "Hold it on the sore area for up to 20 minutes.",
            "Take it off and wait at least 20 to 30 minutes before using it again.",
        ),
        category="self_care",
        direction="neutral",
        difficulty="easy",
        dosage=Dosage(duration_minutes=20, times_per_day=3),
        cautions="Never put ice straight on the skin. Do not use on numb skin or if you have "
        "poor circulation.",
    ),
    LibraryExercise(
        key="relaxed-breathing",
        name="Relaxed breathing",
        purpose="Slow breathing calms the body's alarm response and helps tight muscles let go.",
        steps=(
            "Lie or sit in a comfortable, supported position.",
            "Put one hand on your tummy. Breathe in slowly through your nose so your tummy rises.",
            "Breathe out slowly through your mouth, a little longer than you breathed in.",
            "With each breath out, let your shoulders and back soften.",
        ),
        category="self_care",
        direction="neutral",
        difficulty="easy",
        dosage=Dosage(duration_minutes=5, times_per_day=3),
        cautions="If you feel light-headed, breathe more gently.",
    ),
    LibraryExercise(
        key="resting-position",
        name="Supported resting position",
        purpose="A position that takes load off the lower back for short rests during a spasm.",
        steps=(
            "Lie on your back on the floor or a firm bed.",
            "Rest your lower legs on a chair seat or cushions so hips and knees are bent.",
            "Let your arms rest by your sides and breathe slowly.",
            "Stay for the time on your plan, then roll onto your side to get up.",
        ),
        category="self_care",
        direction="neutral",
        difficulty="easy",
        dosage=Dosage(duration_minutes=10, times_per_day=3),
        cautions="Short rests only: staying in bed for long slows recovery.",
    ),
    LibraryExercise(
        key="movement-breaks",
        name="Movement breaks from sitting",
        purpose="Breaks up long spells of sitting, a common spasm trigger.",
        steps=(
            "Set a reminder to stand up every 30 to 45 minutes.",
            "Stand, walk a few steps and stretch up tall.",
            "Change position before you feel stiff, not after.",
        ),
        category="self_care",
        direction="neutral",
        difficulty="easy",
        dosage=Dosage(duration_minutes=2, times_per_day=6, days_per_week=5),
        cautions="None: every little bit of movement counts.",
    ),
)


def _item(key: str, dosage: Dosage | None = None, notes: str = "") -> LibraryTemplateItem:
    return LibraryTemplateItem(exercise=key, dosage=dosage, notes=notes)


TEMPLATES: tuple[LibraryTemplate, ...] = (
    LibraryTemplate(
        key="acute-spasm-72h",
        name="First 72 hours of an acute spasm",
        description="Calm the spasm, keep moving a little and avoid bed rest.",
        pathway="advice_self_management",
        position=10,
        duration_weeks=1,
        progression_notes="After two or three days, as the spasm settles, walk a few minutes "
        "longer each day and add single knee to chest and cat-camel if they feel comfortable. "
        "Cold can replace heat if it helps more.",
        items=(
            _item("relaxed-breathing"),
            _item("heat", notes="Before moving, when the back feels tight."),
            _item("resting-position", notes="Short rests only, between spells of activity."),
            _item("pelvic-tilt", Dosage(sets=1, reps=8, hold_seconds=3, times_per_day=3)),
            _item("graded-walking", Dosage(duration_minutes=5, times_per_day=3)),
        ),
    ),
    LibraryTemplate(
        key="movement-at-work",
        name="Keep moving at work",
        description="For pain that builds with long sitting: short, frequent movement.",
        pathway="advice_self_management",
        position=70,
        duration_weeks=4,
        progression_notes="Once the breaks are a habit, lengthen the walk at lunchtime.",
        items=(
            _item("movement-breaks"),
            _item("standing-back-extension", Dosage(sets=1, reps=5, times_per_day=3)),
            _item("seated-rotation", Dosage(sets=1, reps=5, times_per_day=3)),
            _item("hip-flexor-stretch"),
            _item("graded-walking", Dosage(duration_minutes=15, times_per_day=1)),
        ),
    ),
    LibraryTemplate(
        key="extension-bias",
        name="Extension-biased (directional preference)",
        description="For pain that eases with repeated backward bending.",
        pathway="physiotherapy",
        position=40,
        duration_weeks=3,
        progression_notes="Move from lying face down to propping on elbows to press-ups as "
        "pain moves towards the middle of the back. If leg pain spreads further down the leg, "
        "stop the exercises and contact the clinic.",
        items=(
            _item("prone-lying"),
            _item("prone-on-elbows"),
            _item("prone-press-up", notes="Every two to three hours while awake if it helps."),
            _item("standing-back-extension", notes="After every spell of sitting."),
            _item("graded-walking"),
        ),
    ),
    LibraryTemplate(
        key="flexion-bias",
        name="Flexion-biased (directional preference)",
        description="For pain that eases with gentle forward bending (often worse standing).",
        pathway="physiotherapy",
        position=50,
        duration_weeks=3,
        progression_notes="Go from single to both knees to chest, then add the kneeling "
        "rock-back. Keep walking daily.",
        items=(
            _item("pelvic-tilt"),
            _item("knee-to-chest"),
            _item("double-knee-to-chest"),
            _item("rock-back"),
            _item("cat-camel"),
            _item("graded-walking"),
        ),
    ),
    LibraryTemplate(
        key="core-hip-progression",
        name="Core and hip strengthening progression",
        description="Six weeks of trunk and hip strength for recurrent spasms.",
        pathway="physiotherapy",
        position=30,
        duration_weeks=6,
        progression_notes="Weeks 1-2: as written. Weeks 3-4: add the opposite arm to bird-dog "
        "and dead bug, and a third set of bridges. Weeks 5-6: change to single-leg bottom lifts "
        "and the full side plank if the easier versions feel solid.",
        items=(
            _item("abdominal-bracing"),
            _item("glute-bridge"),
            _item("clamshell"),
            _item("bird-dog"),
            _item("dead-bug"),
            _item("side-plank-modified"),
            _item("sit-to-stand"),
            _item("hip-hinge"),
        ),
    ),
    LibraryTemplate(
        key="return-to-swim-run",
        name="Back to swimming or running",
        description="Rebuilding strength and load for a return to sport after a spasm.",
        pathway="physiotherapy",
        position=60,
        duration_weeks=6,
        progression_notes="Increase running or swimming time by no more than about a tenth a "
        "week, always with a warm-up. Avoid a big jump in training (or a bike-to-run brick) "
        "until three normal weeks have gone by without a flare.",
        items=(
            _item("hip-flexor-stretch"),
            _item("hamstring-stretch"),
            _item("single-leg-bridge"),
            _item("side-plank"),
            _item("bird-dog"),
            _item("step-up"),
            _item("walk-jog", notes="Swap for easy swimming on swim days."),
            _item("easy-swim"),
        ),
    ),
    LibraryTemplate(
        key="confidence-graded-activity",
        name="Confidence and graded activity",
        description="Gradual, planned increases in everyday movement, to rebuild confidence "
        "that moving is safe.",
        pathway="psychologically_informed_physiotherapy",
        position=20,
        duration_weeks=6,
        progression_notes="Increase by a planned amount each week, not by how the back feels on "
        "the day (pacing). Some soreness while getting going is normal and not harm.",
        items=(
            _item("relaxed-breathing", Dosage(duration_minutes=5, times_per_day=2)),
            _item("graded-walking"),
            _item("cat-camel"),
            _item("hip-hinge"),
            _item("sit-to-stand"),
            _item("movement-breaks"),
        ),
    ),
)
