"""PL208 distillation-teacher: a student distilled from a teacher trained for it alone.

Documentation: rules/PL208.md.
"""

from __future__ import annotations

from planlint import units
from planlint.findings import Severity
from planlint.rule import Rule


class DistillationTeacher(Rule):
    code = "PL208"
    name = "distillation-teacher"
    severity = Severity.WARNING
    summary = "The plan distills from a teacher that must be trained for this one student: supervised training wins."
    points_at = "`distillation.teacher_exists`, or `distillation` when the plan does not say it"
    sources = (
        "Busbridge et al. 2025, *Distillation Scaling Laws*, ICML 2025, arXiv:2502.08606, abstract, Eq. 9, Table "
        "2 and §5.3.",
    )

    def check(self, plan, ctx):
        distillation = plan.distillation
        if distillation is None or distillation.teacher_exists or (distillation.students or 1) > 1:
            return
        numbers = ctx.numbers
        teacher = numbers["teacher_training_flops"]
        path = ("distillation", "teacher_exists") if distillation.teacher_exists is False else ("distillation",)
        yield ctx.finding(
            path,
            f"the {units.count(distillation.teacher_params)}-param teacher is trained for this one student "
            f"({units.sci(teacher)} FLOPs)",
            "pre-train the student on the data directly; or distill from a teacher that exists (teacher_exists: "
            "true) or serves several students (students: N)",
            details=["the teacher's pre-training is this plan's: no other student shares it",
                     "\"if only one student is to be distilled and a teacher also requires training, supervised "
                     "learning is generally preferable\" (Busbridge et al. 2025)"],
            teacher_training_flops=teacher, needed_flops=numbers["needed_flops"])
