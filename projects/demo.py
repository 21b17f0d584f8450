"""Demo programmes: the five flagship programmes of FACTS.md with their figures, milestones,
reading rooms, key villages and awards.

Only what FACTS.md states is entered as fact, with the article that reports it as source.
Values the demo needs beyond that (years between two real figures, the 35 rooms, which
are counted but not named, the 9 products of 2024, the key villages) are marked
``is_sample`` and shown as 示例 on the site. Running the loader again creates what is
missing and changes nothing that exists, so staff edits survive.
"""

from decimal import Decimal

from .models import Award, Figure, KeyVillage, Milestone, Programme, ReadingRoom

PROGRAMMES = [
    ("seafarers", "延安海员培训", "2007年起与天津海事局、延安职业技术学院合作,培训海员6000余人,就业率100%。"),
    ("selenium", "富硒功能农业", "2018年起连续7年示范推广,覆盖13个县区,面积由150亩扩大到1.4万亩。"),
    ("reading-rooms", "红色乡村(校园)书社", "计划5年建成100个书社,已在13个县区启动35个。"),
    ("ten-towns", "十镇百村", "按7个标准选定的重点老区镇村,2022年起在乡村振兴中优先发展。"),
    ("elderly-care", "农村养老", "探索互助养老、以地养老和医养结合,义诊受益患者万余人次。"),
]

# Fields filled only while they are empty: a later run never overwrites what staff wrote.
DETAILS = {
    "seafarers": {
        "start_year": 2007,
        "headline_measure": "累计培训海员",
        "partners": "天津海事局\n延安职业技术学院",
        "body": (
            "<p>延安海员扶贫培训项目于2007年由市老促会牵线,与天津海事局、延安职业技术学院合作共建。"
            "十余年来共培训海员6000余人,培训就业率100%。</p>"
            "<p>市老促会在中国国际海员论坛发表《延安没有一滴海水的海员城》汇报演讲,制作《筑梦深蓝》宣传片,"
            "提升了延安“西部海员培养基地”的社会影响。2023年10月,协调天津海事局在延安职业技术学院召开座谈会,"
            "签署《助力乡村振兴,推进西部海员高质量发展合作协议》。</p>"
        ),
    },
    "selenium": {
        "start_year": 2018,
        "headline_measure": "示范面积",
        "partners": "中国农业技术推广协会富硒委员会",
        "body": (
            "<p>2018年起,针对延安地区缺硒和农业产业效益低的问题,市老促会、市乡村振兴协会与中国农业技术推广协会"
            "富硒委员会合作,连续7年开展富硒农业示范推广,覆盖全市13个县区。</p>"
            "<p>示范面积由2018年的150亩扩大到1.4万亩,示范农产品由3种发展到18种,"
            "示范项目农产品硒含量全部达到地方执行标准。</p>"
        ),
    },
    "reading-rooms": {
        "headline_measure": "书社数量",
        "goal": 100,
        "goal_label": "计划5年建成100个书社",
        "partners": "华夏少奇(北京)文化发展中心\n陕西宝轩工程有限公司",
        "body": (
            "<p>红色乡村(校园)书社援助行动计划5年建成100个书社,已在13个县区启动35个,"
            "18家企业捐资200余万元。</p>"
            "<p>2024年7月,华夏少奇(北京)文化发展中心、陕西宝轩工程有限公司捐赠书社建设资金20万元、"
            "慰问老红军后代和贫困学生资金10万元、红色书籍1万册。</p>"
        ),
    },
    "ten-towns": {
        "start_year": 2010,
        "headline_measure": "修复革命旧址",
        "partners": "延安市民政部门",
        "body": (
            "<p>“十镇百村”是市老促会与民政部门按7个标准选定的、在革命中发挥过重要作用的重点老区镇村。"
            "2010年提出,率先脱贫;2022年起在乡村振兴中优先发展。</p>"
        ),
    },
    "elderly-care": {
        "headline_measure": "义诊受益患者",
        "partners": "宝塔区",
        "body": (
            "<p>探索互助养老、以地养老、医养结合等农村养老模式。2022年就延安慈善医院搬迁和建设养老中心提交报告,"
            "2023年与宝塔区协调解决养老中心水、电、暖、气问题;组织医疗专家义诊,受益患者万余人次。</p>"
        ),
    },
}

SEED = "陕西延安:不断加强自身建设 努力提升为老区发展服务能力"
SEED_TEXT = "《陕西延安:不断加强自身建设 努力提升为老区发展服务能力》,2024年12月2日"
SAMPLE_NOTE = "插值,非统计数字"

# programme, measure, unit, year, value, at_least, cumulative, source article title, is_sample
FIGURES = [
    ("seafarers", "累计培训海员", "人", 2024, 6000, True, True, SEED, False),
    ("seafarers", "累计培训海员", "人", 2010, 1000, False, True, None, True),
    ("seafarers", "累计培训海员", "人", 2014, 2500, False, True, None, True),
    ("seafarers", "累计培训海员", "人", 2018, 4000, False, True, None, True),
    ("seafarers", "累计培训海员", "人", 2021, 5200, False, True, None, True),
    ("seafarers", "就业率", "%", 2024, 100, False, False, SEED, False),
    ("selenium", "示范面积", "亩", 2018, 150, False, True, SEED, False),
    ("selenium", "示范面积", "亩", 2019, 320, False, True, None, True),
    ("selenium", "示范面积", "亩", 2020, 680, False, True, None, True),
    ("selenium", "示范面积", "亩", 2021, 1450, False, True, None, True),
    ("selenium", "示范面积", "亩", 2022, 3100, False, True, None, True),
    ("selenium", "示范面积", "亩", 2023, 6600, False, True, None, True),
    ("selenium", "示范面积", "亩", 2024, 14000, False, True, SEED, False),
    ("selenium", "示范产品数", "种", 2018, 3, False, True, SEED, False),
    ("selenium", "示范产品数", "种", 2024, 18, False, True, SEED, False),
    ("selenium", "获奖产品数", "种", 2023, 3, False, False, "延安富硒苹果、富硒小米、富硒红薯获评2023年度“中国富硒好产品”", False),
    ("selenium", "获奖产品数", "种", 2024, 9, False, False, "第七届中国富硒农业发展大会在济南召开 延安9个产品获“中国富硒好产品”奖", False),
    ("reading-rooms", "书社数量", "个", 2024, 35, False, True, SEED, False),
    ("reading-rooms", "援建企业", "个", 2024, 18, False, True, SEED, False),
    ("reading-rooms", "捐资金额", "万元", 2024, 200, True, True, SEED, False),
    ("ten-towns", "修复革命旧址", "处", 2024, 10, True, True, SEED, False),
    ("ten-towns", "修复资金", "万元", 2024, 800, True, True, SEED, False),
    ("elderly-care", "义诊受益患者", "人次", 2024, 10000, True, True, SEED, False),
]

# programme, year, month, title, text, article title
MILESTONES = [
    ("seafarers", 2007, None, "海员培训项目启动", "市老促会牵线,与天津海事局、延安职业技术学院合作共建延安海员扶贫培训项目。", None),
    ("seafarers", 2023, 10, "签署西部海员高质量发展合作协议", "协调天津海事局在延安职业技术学院召开座谈会,签署《助力乡村振兴,推进西部海员高质量发展合作协议》。", "西部海员培养基地高素质船员队伍座谈会在延安职业技术学院召开"),
    ("selenium", 2018, None, "富硒农业示范推广启动", "与中国农业技术推广协会富硒委员会合作,示范面积150亩、示范产品3种。", None),
    ("selenium", 2023, 3, "3个产品获2023年度“中国富硒好产品”", "合肥,第六届中国富硒农业发展大会:富硒苹果、富硒小米、富硒红薯获奖。", "延安富硒苹果、富硒小米、富硒红薯获评2023年度“中国富硒好产品”"),
    ("selenium", 2024, None, "9个产品获2024年度“中国富硒好产品”", "济南,第七届中国富硒农业发展大会。", "第七届中国富硒农业发展大会在济南召开 延安9个产品获“中国富硒好产品”奖"),
    ("reading-rooms", 2024, 7, "企业捐赠书社建设资金和红色书籍", "华夏少奇(北京)文化发展中心、陕西宝轩工程有限公司捐赠书社建设资金20万元、慰问资金10万元和红色书籍1万册。", "《老区乡村行》红色传承读书会来延捐赠 助力红色乡村(校园)书社建设"),
    ("ten-towns", 2010, None, "提出“十镇百村”", "与民政部门按7个标准选定重点老区镇村。", None),
    ("ten-towns", 2022, None, "在乡村振兴中优先发展", "重点老区镇村率先脱贫后,2022年起在乡村振兴中优先发展。", "十镇百村:重点老区镇村在乡村振兴中优先发展"),
    ("elderly-care", 2022, None, "提交延安慈善医院搬迁和养老中心建设报告", "", None),
    ("elderly-care", 2023, None, "协调解决养老中心水电暖气问题", "与宝塔区协调解决养老中心水、电、暖、气问题。", "市老促会协调解决养老中心水电暖气难题"),
]

AWARDS_2023 = ["富硒苹果", "富硒小米", "富硒红薯"]
AWARDS_2024_COUNT = 9  # FACTS.md counts them but does not name them
ROOMS_TOTAL = 35  # 35 rooms launched across the 13 counties; FACTS.md does not name them
SAMPLE_VILLAGE_COUNTIES = ["baota", "zichang", "wuqi", "yanchuan"]


def load(command=None) -> dict[str, Programme]:
    programmes = {}
    for order, (slug, name, summary) in enumerate(PROGRAMMES, start=1):
        programmes[slug], _ = Programme.objects.get_or_create(
            slug=slug, defaults={"name": name, "summary": summary, "order": order * 10, "is_active": True}
        )
    return programmes


def _article(title: str | None):
    if not title:
        return None
    from news.models import Article  # demo only: the source articles come from the news demo

    return Article.objects.filter(title=title).order_by("id").first()


# Partners that are also council units in the members demo (a sample list there).
PARTNER_UNITS = {"seafarers": ["延安职业技术学院"]}


def load_details(counties: dict, command=None) -> None:
    """Figures, milestones, rooms, villages and awards; call after the news demo (for sources)."""
    from members.models import CouncilUnit  # projects already depends on members (counties)

    programmes = {p.slug: p for p in Programme.objects.filter(slug__in=DETAILS)}
    for slug, names in PARTNER_UNITS.items():
        programme = programmes.get(slug)
        if programme is not None and not programme.partner_units.exists():
            # The members demo marks invented council memberships with (示例) in the name.
            programme.partner_units.set(CouncilUnit.objects.filter(name__in=[*names, *(f"{n}(示例)" for n in names)]))
    for slug, fields in DETAILS.items():
        programme = programmes.get(slug)
        if programme is None:
            continue
        empty = {name: value for name, value in fields.items() if getattr(programme, name) in ("", None)}
        if empty:
            for name, value in empty.items():
                setattr(programme, name, value)
            programme.save(update_fields=list(empty))

    for slug, measure, unit, year, value, at_least, cumulative, source, sample in FIGURES:
        if slug not in programmes:
            continue
        Figure.objects.get_or_create(
            programme=programmes[slug],
            measure=measure,
            year=year,
            defaults={
                "unit": unit,
                "value": Decimal(value),
                "at_least": at_least,
                "is_cumulative": cumulative,
                "source_article": _article(source),
                "source_text": "" if sample else (SEED_TEXT if source == SEED else ""),
                "note": SAMPLE_NOTE if sample else "",
                "is_sample": sample,
            },
        )

    for slug, year, month, title, text, article in MILESTONES:
        if slug not in programmes:
            continue
        Milestone.objects.get_or_create(
            programme=programmes[slug],
            title=title,
            defaults={"year": year, "month": month, "text": text, "article": _article(article)},
        )

    if "selenium" in programmes:
        selenium = programmes["selenium"]
        for product in AWARDS_2023:
            Award.objects.get_or_create(
                year=2023,
                title="中国富硒好产品",
                product=product,
                defaults={"programme": selenium, "event": "第六届中国富硒农业发展大会", "place": "合肥"},
            )
        for number in range(1, AWARDS_2024_COUNT + 1):
            Award.objects.get_or_create(
                year=2024,
                title="中国富硒好产品",
                product=f"示例获奖产品{number}",
                defaults={
                    "programme": selenium,
                    "event": "第七届中国富硒农业发展大会",
                    "place": "济南",
                    "is_sample": True,
                },
            )

    ordered_counties = sorted(counties.values(), key=lambda c: (c.order, c.id))
    if "reading-rooms" in programmes and ordered_counties:
        rooms = programmes["reading-rooms"]
        for number in range(ROOMS_TOTAL):
            # Round-robin over the counties: every county has rooms, as FACTS.md says.
            county = ordered_counties[number % len(ordered_counties)]
            round_ = number // len(ordered_counties) + 1
            campus = round_ == 2
            ReadingRoom.objects.get_or_create(
                county=county,
                name=f"{county.name}示例{'校园' if campus else '乡村'}书社{round_}",
                defaults={
                    "programme": rooms,
                    "kind": ReadingRoom.Kind.CAMPUS if campus else ReadingRoom.Kind.RURAL,
                    "place": "示例学校" if campus else "示例村",
                    "status": ReadingRoom.Status.OPEN,
                    "is_sample": True,
                },
            )

    if "ten-towns" in programmes:
        for slug in SAMPLE_VILLAGE_COUNTIES:
            county = counties.get(slug)
            if county is None:
                continue
            KeyVillage.objects.get_or_create(
                county=county,
                town="示例镇",
                name="示例村",
                defaults={
                    "programme": programmes["ten-towns"],
                    "story": "示例数据:这里填写该村入选“十镇百村”的理由和它在革命中的作用。",
                    "is_sample": True,
                },
            )
