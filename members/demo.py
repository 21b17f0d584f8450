"""Demo content of the members app, built from ../shared/content/FACTS.md.

The 13 counties come from a data migration. Running ``load_demo`` again changes nothing:
the organisation record is created once, each list is seeded only while its table is
empty, and a county's details are filled only while they are blank, so staff edits
(including renaming or deactivating a sample record) are never overwritten or duplicated.
Records the facts do not name are marked as samples (``is_sample``; 示例 in names).
"""

from django.db import models

from .models import (
    Body,
    Contact,
    CouncilUnit,
    CountyBranch,
    Honour,
    Milestone,
    Organisation,
    Position,
    Rule,
    ServicePlatform,
)

ORGANISATION = {
    "name": "延安市老区建设促进会",
    "short_name": "延安市老促会",
    "second_name": "延安市乡村振兴协会",
    "founded_year": 1993,
    "merged_year": 2021,
    "summary": (
        "延安市老区建设促进会成立于1993年,2021年与延安市乡村振兴协会合署办公,两块牌子一套人马。"
        "始终坚持以宣传弘扬老区精神为旗帜,以服务老区人民为宗旨,以促进老区发展为己任。"
    ),
    "intro": (
        "<p>延安市老促会努力为党委政府当好参谋助手,为社会各界支持老区建设牵线搭桥,"
        "为老区建设发展建言献策,为延安老区乡村振兴建设贡献力量。</p>"
        "<p>市老促会是一个有编制、纳入财政预算的社团组织,有稳定的办公地方和工作用车。"
        "市级党委、政府21个主要部门和8个国有企业是市老促会的理事单位。"
        "全市13个县区都设有老促会、乡村振兴协会,都有固定的办公地方和工作经费。</p>"
        "<p>通过4个服务平台,牵线搭桥为老区乡村振兴建设引进争取各类社会资金过亿元;"
        "市老促会直接投资400多万元,资助贫困家庭和困难学生完成大学学业,"
        "给小学生捐赠2万多个安全小书包。</p>"
    ),
    "staff_count": 17,
    "established_staff_count": 3,
    "party_member_count": 14,
    "member_count": 1200,
    "county_staff_count": 80,
    "annual_budget": 300_000,
    "structure_note": (
        "市老促会内设机关党支部、机关工会、妇工委、办公室和4个工作部,"
        "成立了4个服务平台,指导全市13个县区老促会的工作。"
    ),
    "leadership_note": (
        "1993年建会以来,连续五任会长都由退休的市委、市政府领导担任。"
        "会长担任机关党支部书记,常务副会长、秘书长为专职党务工作者。"
    ),
    "rules_note": (
        "围绕一个章程,制定了五个制度,用制度管人管事:明确工作职责和规范行为准则,"
        "确保每位工作人员都清楚自己的职责和行为要求。"
    ),
    "affiliations": "中国乡村发展协会理事单位\n中国农业技术推广协会理事单位",
}

# name, kind, duties (one per line), is_sample
BODIES = [
    ("机关党支部", Body.Kind.PARTY, "由会长担任支部书记,常务副会长、秘书长为专职党务工作者\n坚持“三会一课”制度和集体学习制度\n发挥老党员模范带头作用,培养发展年轻党员", False),
    ("机关工会", Body.Kind.PARTY, "组织机关职工活动,维护职工权益(示例职责)", True),
    ("妇工委", Body.Kind.PARTY, "联系和服务机关女职工(示例职责)", True),
    ("办公室", Body.Kind.OFFICE, "负责日常运转、文电会务和后勤保障(示例职责)", True),
    ("第一工作部", Body.Kind.OFFICE, "示例职责:宣传弘扬老区精神,编辑《延安老区建设》杂志", True),
    ("第二工作部", Body.Kind.OFFICE, "示例职责:组织调查研究,汇编调研报告", True),
    ("第三工作部", Body.Kind.OFFICE, "示例职责:联系理事单位和社会力量,推进帮扶项目", True),
    ("第四工作部", Body.Kind.OFFICE, "示例职责:联系指导县区老促会工作", True),
]

# title, holder, note
POSITIONS = [
    ("会长", "杨霄", "兼机关党支部书记"),
    ("常务副会长", "", "专职党务工作者"),
    ("秘书长", "", "专职党务工作者"),
]

RULES = ["支部生活制度", "考勤制度", "财务管理制度", "项目管理制度", "车辆管理制度"]

PLATFORMS = ["延安市乡村振兴协会", "延安优质农产品品牌联盟", "延安富硒功能农业服务中心", "延安红色教育培训基地"]

# title, awarded_by, year, end_year
HONOURS = [
    ("支持革命老区脱贫攻坚先进单位", "中国老促会", 2019, None),
    ("五星级离退休干部党支部", "省、市老干局", 2021, 2023),
    ("示范离退休干部党支部", "省、市老干局", 2021, 2023),
    ("全国老区宣传工作特等奖", "中国老促会", 2023, None),
]

# year, title, description
MILESTONES = [
    (1993, "延安市老区建设促进会成立", "连续五任会长都由退休的市委、市政府领导担任。"),
    (2007, "牵线共建延安海员培训项目", "与天津海事局、延安职业技术学院合作,累计培训海员6000余人,就业率100%。"),
    (2010, "提出“十镇百村”建设建议", "向市委、市政府建议重点建设按7个标准选定的老区镇村,市委、市政府印发实施意见。"),
    (2018, "开展富硒功能农业示范", "与中国农业技术推广协会富硒委员会合作,示范面积由150亩扩大到1.4万亩。"),
    (2021, "与延安市乡村振兴协会合署办公", "两块牌子一套人马。"),
    (2023, "举办成立30周年书画摄影展", ""),
    (2023, "中国老促会会长支树平来延安调研", "10月,对延安工作给予充分肯定和高度评价。"),
]

# The facts give no address or phone number: these are samples, and say so.
CONTACTS = [
    ("办公地址", Contact.Kind.ADDRESS, "陕西省延安市"),
    ("办公室电话", Contact.Kind.PHONE, "0911-0000000"),
]

STATE_ENTERPRISES = [
    "延安市城市建设投资集团", "延安市交通建设投资集团", "延安市农业投资集团", "延安市文化旅游集团",
    "延安市水务集团", "延安市能源化工集团", "延安市供销集团", "延安市融资担保集团",
]
PARTY_GOVERNMENT = [
    "中共延安市委组织部", "中共延安市委宣传部", "中共延安市委统战部", "中共延安市委老干部局",
    "延安市发展和改革委员会", "延安市教育局", "延安市民政局", "延安市财政局",
    "延安市人力资源和社会保障局", "延安市自然资源局", "延安市交通运输局", "延安市水务局",
    "延安市农业农村局", "延安市商务局", "延安市文化和旅游局", "延安市卫生健康委员会",
    "延安市退役军人事务局", "延安市乡村振兴局", "延安市林业局", "延安市供销合作社", "延安市融媒体中心",
]
ENTERPRISE_TRADES = [
    "富硒农业", "苹果产业", "小杂粮", "红枣", "羊肚菌", "中药材", "畜牧", "果业", "种业", "农产品物流",
    "电子商务", "红色文化旅游", "研学教育", "文化传媒", "印刷", "建筑工程", "路桥工程", "新能源",
    "节能环保", "食品加工", "酒业", "饮品", "农业机械", "信息技术", "医疗器械", "养老服务",
    "物业服务", "餐饮", "酒店管理", "劳务服务",
]
ACADEMIC = [
    "延安大学", "延安职业技术学院", "延安市农业科学研究所", "中共延安市委党校", "延安干部培训学院",
    "延安市林业科学研究所", "延安市畜牧兽医研究所", "延安市职业技术学校", "延安市农业技术推广中心",
    "延安市气象科学研究所",
]
SOCIAL = [
    "延安市慈善协会", "延安市红十字会", "延安市老年人体育协会", "延安市老科技工作者协会", "延安市志愿者协会",
    "延安市书法家协会", "延安市摄影家协会", "延安市作家协会", "延安市企业家协会", "延安市青年商会",
]
OTHER = [
    "宝塔区示例苹果专业合作社", "洛川县示例苹果专业合作社", "吴起县示例养殖专业合作社",
    "黄陵县示例家庭农场", "延川县示例红枣专业合作社", "志丹县示例小杂粮专业合作社",
]


def council_units() -> list[dict]:
    """85 sample council units: 21 party/government departments and 8 state-owned
    enterprises as FACTS.md counts them, and 56 others. FACTS.md names none of them, so
    every name is marked 示例."""
    Category, Role = CouncilUnit.Category, CouncilUnit.Role
    rows = []
    for index, name in enumerate(STATE_ENTERPRISES):
        role = Role.PRESIDENT if index == 0 else Role.VICE_PRESIDENT
        rows.append((f"{name}(示例)", Category.STATE_ENTERPRISE, role))
    for name in PARTY_GOVERNMENT:
        rows.append((f"{name}(示例)", Category.PARTY_GOVERNMENT, Role.STANDING))
    for index, trade in enumerate(ENTERPRISE_TRADES):
        role = Role.VICE_PRESIDENT if index < 4 else Role.MEMBER
        rows.append((f"延安示例{trade}有限公司", Category.ENTERPRISE, role))
    rows += [(f"{name}(示例)", Category.ACADEMIC, Role.MEMBER) for name in ACADEMIC]
    rows += [(f"{name}(示例)", Category.SOCIAL, Role.MEMBER) for name in SOCIAL]
    rows += [(name, Category.OTHER, Role.MEMBER) for name in OTHER]
    return [
        {
            "name": name,
            "category": category,
            "role": role,
            "order": index * 10,
            "joined_year": 1993 + (index * 7) % 32,
            "is_sample": True,
        }
        for index, (name, category, role) in enumerate(rows, start=1)
    ]


def _seed(model: type[models.Model], rows: list[dict]) -> int:
    """Create ``rows`` only while the table is empty: a second run, or a table staff have
    started to edit, is left alone."""
    if model.objects.exists():
        return 0
    for row in rows:
        model.objects.create(**row)  # save() runs: rich text is sanitised
    return len(rows)


def _fill_counties() -> dict[str, CountyBranch]:
    branches = {branch.slug: branch for branch in CountyBranch.objects.all()}
    for branch in branches.values():
        if branch.association_name or branch.address or branch.phone:
            continue  # staff have filled it in
        branch.association_name = f"{branch.name}老区建设促进会"
        branch.revitalisation_name = f"{branch.name}乡村振兴协会"
        branch.intro = (
            f"<p>{branch.name}老区建设促进会与{branch.name}乡村振兴协会合署办公,"
            "有固定的办公地方和工作经费。会长由刚从领导岗位上退下来的县级领导担任。</p>"
        )
        # Not a real number: local numbers never start with 0 after the area code.
        branch.phone = f"0911-00000{branch.order:02d}"
        branch.address = f"{branch.name}(示例地址)"
        branch.is_sample = True
        branch.save()
    return branches


def load(command=None) -> dict[str, CountyBranch]:
    Organisation.objects.get_or_create(pk=1, defaults=ORGANISATION)
    _seed(Body, [{"name": n, "kind": k, "duties": d, "is_sample": s, "order": i * 10} for i, (n, k, d, s) in enumerate(BODIES, 1)])
    _seed(Position, [{"title": t, "holder": h, "note": n, "order": i * 10} for i, (t, h, n) in enumerate(POSITIONS, 1)])
    _seed(Rule, [{"name": n, "order": i * 10} for i, n in enumerate(RULES, 1)])
    _seed(ServicePlatform, [{"name": n, "order": i * 10} for i, n in enumerate(PLATFORMS, 1)])
    _seed(Honour, [{"title": t, "awarded_by": a, "year": y, "end_year": e, "order": i * 10} for i, (t, a, y, e) in enumerate(HONOURS, 1)])
    _seed(Milestone, [{"year": y, "title": t, "description": d, "order": i * 10} for i, (y, t, d) in enumerate(MILESTONES, 1)])
    _seed(Contact, [{"label": l, "kind": k, "value": v, "is_sample": True, "order": i * 10} for i, (l, k, v) in enumerate(CONTACTS, 1)])
    _seed(CouncilUnit, council_units())
    return _fill_counties()
