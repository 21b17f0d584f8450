"""Demo programmes: the five flagship programmes of FACTS.md."""

from .models import Programme

PROGRAMMES = [
    ("seafarers", "延安海员培训", "2007年起与天津海事局、延安职业技术学院合作,培训海员6000余人,就业率100%。"),
    ("selenium", "富硒功能农业", "2018年起连续7年示范推广,覆盖13个县区,面积由150亩扩大到1.4万亩。"),
    ("reading-rooms", "红色乡村(校园)书社", "计划5年建成100个书社,已在13个县区启动35个。"),
    ("ten-towns", "十镇百村", "按7个标准选定的重点老区镇村,2022年起在乡村振兴中优先发展。"),
    ("elderly-care", "农村养老", "探索互助养老、以地养老和医养结合,义诊受益患者万余人次。"),
]


def load(command=None) -> dict[str, Programme]:
    programmes = {}
    for order, (slug, name, summary) in enumerate(PROGRAMMES, start=1):
        programmes[slug], _ = Programme.objects.get_or_create(
            slug=slug, defaults={"name": name, "summary": summary, "order": order * 10, "is_active": True}
        )
    return programmes
