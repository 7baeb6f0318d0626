"""Text for the demo portal: title banks, body paragraphs and synthetic personal data.

The filler must look like a district portal's ordinary output and must *not*
trip any check by accident: no 18-digit or 11-digit number runs, no outdated
plan-period wording, no typos from the wording rule book. The planted
problems are written by hand in ``portal.py``; ``tests/demo`` scans every page
to prove the filler stays clean.
"""

from __future__ import annotations

from datetime import date

# --- synthetic personal data -------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of a mainland resident ID number (GB 11643)."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"need 17 digits, got {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def resident_id(region: str, birth: str, sequence: str) -> str:
    """A synthetic ID number with a valid check digit (region 6, birth YYYYMMDD, 3-digit sequence)."""
    first17 = region + birth + sequence
    return first17 + id_check_digit(first17)


def with_wrong_check(number: str) -> str:
    """The same ID number with a check character that is certainly wrong (a look-alike)."""
    return number[:-1] + ("1" if number[-1] == "0" else "0")


def luhn_complete(prefix: str) -> str:
    """Append the Luhn check digit to ``prefix`` (bank card numbers)."""
    total = 0
    for index, char in enumerate(reversed(prefix)):
        digit = int(char)
        if index % 2 == 0:  # these positions are doubled once the check digit is appended
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return prefix + str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return luhn_complete(number[:-1]) == number


# --- dates -------------------------------------------------------------------


def cn_date(day: date) -> str:
    """2023年10月9日 — the form most body text uses."""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_date_padded(day: date) -> str:
    """2023年09月27日 — the form of the www.gov.cn 信息公开 table."""
    return f"{day.year}年{day.month:02d}月{day.day:02d}日"


# --- title banks ---------------------------------------------------------------

NEWS_TOPICS = (
    "安全生产",
    "秋冬季大气污染防治",
    "老旧小区改造",
    "优化营商环境",
    "基层社会治理",
    "乡村振兴",
    "民生实事",
    "全国文明城市创建",
    "消防安全",
    "食品安全",
    "河湖长制",
    "稳就业促创业",
    "居家养老服务",
    "义务教育优质均衡",
    "家庭医生签约服务",
    "法治政府建设",
    "政务公开",
    "生态环境保护",
    "招商引资",
    "数字政府建设",
    "城市精细化管理",
    "冬季供暖保障",
    "燃气安全",
    "防汛抗旱",
    "铸牢中华民族共同体意识",
    "政务服务“一网通办”",
    "黄河流域生态保护",
    "社区网格化管理",
    "农村人居环境整治",
    "校园安全",
)
NEWS_ACTIONS = (
    "工作推进会召开",
    "专题培训会举办",
    "开展督导检查",
    "取得阶段性成效",
    "工作部署会召开",
    "开展集中宣传活动",
    "召开专题调度会",
    "开展观摩交流",
    "推进会暨业务培训举行",
    "开展“回头看”",
)
NOTICE_SUBJECTS = (
    "关于开展2023年度道路交通安全专项整治的通知",
    "关于做好城镇老旧小区改造项目公示的公告",
    "关于公布2023年第三批民生实事项目的公告",
    "关于开展燃气安全隐患排查整治的通知",
    "关于做好秋冬季节森林草原防灭火工作的通知",
    "关于2023年公益性岗位招聘的公告",
    "关于开展城市道路挖掘修复集中整治的通告",
    "关于公开征集2024年民生实事项目建议的公告",
    "关于做好冬季清雪除冰工作的通知",
    "关于开展“政府开放日”活动的公告",
    "关于调整部分公交线路的通告",
    "关于开展第二次全国污染源普查成果应用的通知",
    "关于做好2023年度城乡居民医疗保险参保缴费工作的通告",
    "关于实施城市供水管网改造临时停水的通告",
    "关于开展重点行业领域安全生产大检查的通知",
    "关于公布兴庆区政务服务事项清单的公告",
    "关于开展网络安全宣传周活动的通知",
    "关于做好防范电信网络诈骗宣传工作的通知",
    "关于开展职业技能提升培训的公告",
    "关于做好中小学校校车安全管理工作的通知",
    "关于公布2023年度兴庆区重点项目名单的公告",
    "关于开展城市园林绿化养护考核的通知",
    "关于做好农民工工资支付保障工作的通知",
    "关于开展餐饮油烟专项治理的通告",
    "关于开展消防安全“四个能力”建设的通知",
)
DOC_SUBJECTS = (
    "兴庆区促进消费扩容提质若干措施",
    "兴庆区城市更新行动实施方案",
    "兴庆区稳就业促增收十条措施",
    "兴庆区数字经济发展三年行动方案",
    "兴庆区养老服务体系建设实施意见",
    "兴庆区农贸市场升级改造实施方案",
    "兴庆区生活垃圾分类工作实施方案",
    "兴庆区优化营商环境行动方案",
    "兴庆区公共文化服务体系建设实施方案",
    "兴庆区社区工作者队伍建设实施意见",
    "兴庆区重大行政决策程序实施细则",
    "兴庆区防汛抗旱应急预案",
    "兴庆区安全生产责任制实施办法",
    "兴庆区商贸流通业高质量发展实施意见",
    "兴庆区城乡居民临时救助实施办法",
    "兴庆区政府投资项目管理办法",
)
PERSONNEL_TITLES = (
    "兴庆区人民政府关于任免工作人员职务的通知",
    "兴庆区2022年公开招聘事业单位工作人员拟聘用人员公示",
    "兴庆区2022年社区工作者招聘考试成绩公告",
    "兴庆区2022年度公务员遴选拟选调人员公示",
    "兴庆区人民政府关于王某某等同志职务任免的通知",
    "兴庆区2022年公益性岗位拟录用人员名单公示",
)
PLAN_TITLES = (
    "兴庆区2023年国民经济和社会发展计划",
    "兴庆区“十四五”养老服务体系规划",
    "兴庆区2023年政务公开工作要点",
    "兴庆区“十四五”综合交通发展规划",
    "兴庆区2023年重点项目建设计划",
)
BODY_OPENINGS = (
    "为深入贯彻落实党的二十大精神，全面落实自治区、银川市有关工作要求，",
    "为进一步提升群众获得感、幸福感、安全感，",
    "为扎实推进“四区四兴庆”建设，",
    "按照区委、区政府工作安排，",
    "为切实做好年度重点工作，",
)
BODY_MIDDLES = (
    "会议强调，各部门要压实工作责任，细化工作措施，确保各项任务按时保质完成。",
    "活动现场，工作人员通过发放宣传资料、现场讲解等方式，向群众普及相关政策和知识。",
    "下一步，兴庆区将持续健全工作机制，强化统筹协调，推动工作走深走实。",
    "各乡镇（街道）、各部门要结合实际，认真研究部署，抓好贯彻落实。",
    "此次检查共发现问题隐患若干处，已全部建立台账，限期整改到位。",
    "通过此次培训，参训人员进一步提升了业务能力，为做好下一阶段工作打下坚实基础。",
    "据了解，今年以来兴庆区已累计完成年度目标任务的百分之八十以上。",
    "社区工作人员上门为居民安装燃气报警器，讲解安全使用常识。",
)
DOC_MIDDLES = (
    "请各单位结合实际，认真抓好贯彻落实，工作中遇到的问题请及时反馈。",
    "各责任单位要明确分管领导和具体联系人，确保各项任务落到实处。",
    "执行中如有问题，请及时向起草单位反映。",
)
SOURCES_OTHER = (
    "兴庆区人力资源和社会保障局",
    "兴庆区住房城乡建设和交通局",
    "兴庆区应急管理局",
    "兴庆区市场监督管理局",
    "银川市生态环境局兴庆分局",
    "兴庆区城市管理局",
)
