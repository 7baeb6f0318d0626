"""What each accessibility and elder-friendly rule is called in Chinese, and which check owns it.

Webmasters read Chinese; axe-core's help texts are English. This table gives the
rules that occur on government portals a Chinese name and a concrete fix; a rule
not listed (axe has about a hundred) keeps axe's English help, so a new axe
version never loses a finding for want of a translation.

Rule ids are axe-core's where axe has the rule (``image-alt``, ``label``…), so the
static pass over the served HTML, axe in the browser and govcrawl's own browser
rules merge into one finding per page and rule. The elder-friendly ids are
govcrawl's own; their sources are 工业和信息化部《互联网网站适老化通用设计规范》
(2021, hereafter 适老化规范) and GB/T 37668-2019《信息技术 互联网内容无障碍可访问性
技术要求与测试方法》.
"""

from __future__ import annotations

from dataclasses import dataclass

from govcrawl.model import Severity

A11Y = "a11y"
ELDER = "elder-friendly"


@dataclass(frozen=True, slots=True)
class RuleInfo:
    check: str  # a11y | elder-friendly
    title: str  # Chinese name shown to the webmaster
    fix: str = ""  # Chinese fix hint; empty: the check's general hint applies
    severity: Severity | None = None  # for rules without an axe impact; None: from the impact


RULES: dict[str, RuleInfo] = {
    # ---- axe-core rules (ids as in axe-core 4.10) --------------------------------------------
    "image-alt": RuleInfo(A11Y, "图片缺少替代文本（alt）", "为有内容的图片填写说明其内容的 alt；装饰性图片写 alt=\"\"。"),
    "input-image-alt": RuleInfo(A11Y, "图片按钮缺少替代文本", "为 <input type=image> 填写 alt，说明按钮的作用。"),
    "area-alt": RuleInfo(A11Y, "图片热区缺少替代文本", "为 <area> 填写 alt。"),
    "object-alt": RuleInfo(A11Y, "嵌入对象缺少替代文本", "为 <object> 提供替代文本。"),
    "role-img-alt": RuleInfo(A11Y, "图片角色元素缺少替代文本", "为 role=img 的元素加 aria-label。"),
    "svg-img-alt": RuleInfo(A11Y, "SVG 图片缺少替代文本", "为 role=img 的 <svg> 加 <title> 或 aria-label。"),
    "link-name": RuleInfo(A11Y, "链接没有可读的名称", "为链接提供文字；只有图片的链接，图片 alt 写明链接去向。"),
    "button-name": RuleInfo(A11Y, "按钮没有可读的名称", "为按钮提供文字或 aria-label。"),
    "label": RuleInfo(A11Y, "表单输入框缺少标签", "为输入框加 <label for>，或 aria-label，说明要填写什么。"),
    "select-name": RuleInfo(A11Y, "下拉框缺少标签", "为 <select> 加 <label for> 或 aria-label。"),
    "frame-title": RuleInfo(A11Y, "内嵌框架缺少标题", "为 <iframe> 加 title，说明框架内容。"),
    "html-has-lang": RuleInfo(A11Y, "页面未声明语言", "在 <html> 上写 lang=\"zh-CN\"。"),
    "html-lang-valid": RuleInfo(A11Y, "页面语言代码无效", "lang 写有效的语言代码，如 zh-CN。"),
    "valid-lang": RuleInfo(A11Y, "元素语言代码无效", "lang 写有效的语言代码。"),
    "document-title": RuleInfo(A11Y, "页面缺少标题", "为页面填写 <title>。"),
    "duplicate-id": RuleInfo(A11Y, "元素 id 重复", "同一页面内的 id 必须唯一。", Severity.MINOR),
    "duplicate-id-aria": RuleInfo(A11Y, "无障碍属性引用的 id 重复", "被 aria/label 引用的 id 必须唯一。"),
    "empty-heading": RuleInfo(A11Y, "空标题", "删除空的 h1–h6 或填写标题文字。"),
    "empty-table-header": RuleInfo(A11Y, "空的表头单元格", "为表头单元格 <th> 填写文字。"),
    "td-has-header": RuleInfo(A11Y, "数据表格缺少表头", "数据表格的第一行/列用 <th> 标记表头。", Severity.MINOR),
    "th-has-data-cells": RuleInfo(A11Y, "表头没有对应的数据单元格", "检查表格结构。"),
    "color-contrast": RuleInfo(A11Y, "文字与背景对比度不足", "正文文字与背景对比度至少 4.5:1（大字 3:1），如灰字改深色。"),
    "link-in-text-block": RuleInfo(A11Y, "正文中的链接仅靠颜色区分", "正文中的链接加下划线等非颜色标识。"),
    "marquee": RuleInfo(A11Y, "使用了滚动字幕 <marquee>", "去掉 <marquee>，改为静态内容或提供暂停按钮。"),
    "blink": RuleInfo(A11Y, "使用了闪烁元素 <blink>", "去掉 <blink>。"),
    "meta-refresh": RuleInfo(A11Y, "页面定时自动刷新或跳转", "去掉 <meta http-equiv=refresh> 定时刷新。"),
    "meta-viewport": RuleInfo(A11Y, "页面禁止缩放", "viewport 中去掉 user-scalable=no，maximum-scale 不小于 2。"),
    "no-autoplay-audio": RuleInfo(A11Y, "音视频自动播放且有声音", "不要自动播放有声媒体，或默认静音并提供暂停按钮。"),
    "video-caption": RuleInfo(A11Y, "视频缺少字幕", "为视频提供字幕（<track kind=captions>）。"),
    "list": RuleInfo(A11Y, "列表结构不正确", "<ul>/<ol> 中只放 <li>。"),
    "listitem": RuleInfo(A11Y, "列表项不在列表中", "<li> 应放在 <ul> 或 <ol> 中。"),
    "bypass": RuleInfo(A11Y, "缺少跳过导航的方式", "提供“跳到主要内容”链接或使用 <main> 等地标。"),
    "region": RuleInfo(A11Y, "内容不在地标区域内", "用 <header>、<nav>、<main>、<footer> 划分页面。"),
    "landmark-one-main": RuleInfo(A11Y, "页面缺少主要内容地标", "正文放在 <main> 中。"),
    "page-has-heading-one": RuleInfo(A11Y, "页面缺少一级标题", "页面主标题用 <h1>。"),
    "heading-order": RuleInfo(A11Y, "标题层级跳跃", "标题按 h1、h2、h3 顺序使用，不跳级。"),
    "tabindex": RuleInfo(A11Y, "tabindex 大于 0 打乱键盘顺序", "去掉大于 0 的 tabindex。"),
    "scrollable-region-focusable": RuleInfo(A11Y, "可滚动区域无法用键盘访问", "为可滚动区域加 tabindex=0。"),
    "nested-interactive": RuleInfo(A11Y, "可交互元素相互嵌套", "不要在链接/按钮中再嵌套可交互元素。"),
    "aria-hidden-focus": RuleInfo(A11Y, "隐藏元素仍可获得焦点", "aria-hidden 的区域内不要有可聚焦元素。"),
    "image-redundant-alt": RuleInfo(A11Y, "图片替代文本与周围文字重复", "避免 alt 重复相邻文字。"),
    "autocomplete-valid": RuleInfo(A11Y, "autocomplete 属性值无效", "使用规范中的 autocomplete 取值。"),
    "form-field-multiple-labels": RuleInfo(A11Y, "表单字段有多个标签", "每个字段只关联一个 <label>。"),
    "label-title-only": RuleInfo(A11Y, "表单字段只用 title 作标签", "使用可见的 <label>。"),
    # ---- govcrawl's own browser rules (WCAG 2.1 criteria no tool in the comparison automates) --
    "keyboard-trap": RuleInfo(A11Y, "键盘焦点被困", "确保只用 Tab/Shift+Tab 能离开每个组件（WCAG 2.1.2）。",
                              Severity.MAJOR),
    "focus-order": RuleInfo(A11Y, "键盘焦点顺序混乱", "按阅读顺序排列可聚焦元素，去掉正数 tabindex（WCAG 2.4.3）。",
                            Severity.MINOR),
    "reflow": RuleInfo(A11Y, "窄屏（320px）下需要横向滚动", "使用自适应布局，320px 宽时内容不出现横向滚动（WCAG 1.4.10）。",
                       Severity.MINOR),
    "resize-text": RuleInfo(A11Y, "文字放大 200% 后内容被截断或重叠", "不要用固定高度裁切文字（WCAG 1.4.4）。",
                            Severity.MINOR),
    "autoplay-media": RuleInfo(A11Y, "媒体自动播放且无法暂停", "不要自动播放，或提供暂停/静音按钮（WCAG 1.4.2）。",
                               Severity.MAJOR),
    "motion-no-pause": RuleInfo(A11Y, "滚动或动画内容无法暂停", "为超过 5 秒的滚动、动画提供暂停按钮（WCAG 2.2.2）。",
                                Severity.MINOR),
    # ---- govcrawl's own rules added for the GOV.UK audit comparison (each cites its WCAG criterion) --
    "document-title-placeholder": RuleInfo(A11Y, "页面标题是编辑器默认标题", "把“无标题文档”等默认标题改为说明页面内容的标题（WCAG 2.4.2）。"),
    "html-lang-mismatch": RuleInfo(A11Y, "页面声明的语言与内容不符", "中文页面写 lang=\"zh-CN\"，不要沿用模板的 lang=\"en\"（WCAG 3.1.1）。"),
    "lang-dir-mismatch": RuleInfo(A11Y, "文字方向与语言不符", "阿拉伯文、维吾尔文等从右到左的文字加 dir=\"rtl\"（WCAG 1.3.2）。",
                                  Severity.MINOR),
    "link-text-generic": RuleInfo(A11Y, "链接文字不能说明去向", "不要用“点击这里”“详情”或标点作链接文字，写明链接内容（WCAG 2.4.9）。",
                                  Severity.MINOR),
    "image-alt-meaningless": RuleInfo(A11Y, "图片替代文本是文件名或占位词", "alt 写图片表达的内容，不要写“图片”或文件名（WCAG 1.1.1）。"),
    "image-alt-conflict": RuleInfo(A11Y, "图片既标为装饰又带说明文字", "装饰图片写 alt=\"\" 且不加 title；有内容的图片不要加 role=presentation（WCAG 1.1.1）。",
                                   Severity.MINOR),
    "fieldset-legend": RuleInfo(A11Y, "表单分组缺少说明（legend）", "为 <fieldset> 加有文字的 <legend>（WCAG 1.3.1）。", Severity.MINOR),
    "radio-group": RuleInfo(A11Y, "单选/多选按钮组没有分组", "把同一问题的单选、多选按钮放进带 <legend> 的 <fieldset>（WCAG 1.3.1）。",
                            Severity.MINOR),
    "ascii-art": RuleInfo(A11Y, "字符画缺少替代文本", "为 <pre> 字符画加 role=\"img\" 和 aria-label（WCAG 1.1.1）。", Severity.MINOR),
    "click-no-keyboard": RuleInfo(A11Y, "只能用鼠标点击的元素", "可点击的元素用 <a href> 或 <button>，或加 tabindex=0 和键盘事件（WCAG 2.1.1）。",
                                  Severity.MAJOR),
    "role-button-key": RuleInfo(A11Y, "按钮角色的链接不响应空格键", "用 <button>，或为 role=button 的链接处理空格键（WCAG 2.1.1）。",
                                Severity.MINOR),
    "heading-fake": RuleInfo(A11Y, "用大号粗体代替标题标签", "标题用 <h1>–<h6> 标记，不要只用字号和粗体（WCAG 1.3.1）。", Severity.MINOR),
    "text-justified": RuleInfo(A11Y, "西文段落两端对齐", "西文段落不要用 text-align: justify（WCAG 1.4.8）。", Severity.MINOR),
    "css-generated-content": RuleInfo(A11Y, "用 CSS 插入的文字内容", "有意义的文字写在 HTML 中，不要用 ::before/::after 的 content（WCAG 1.3.1）。",
                                      Severity.MINOR),
    "reading-order": RuleInfo(A11Y, "视觉顺序与阅读顺序相反", "不要用右浮动颠倒内容顺序，源代码顺序应与显示顺序一致（WCAG 1.3.2）。",
                              Severity.MINOR),
    "select-change-context": RuleInfo(A11Y, "选择下拉项即跳转页面", "下拉框选择后由用户点击“确定/前往”按钮再跳转，不要在 onchange 中打开页面（WCAG 3.2.2）。"),
    # ---- elder-friendly (适老化) rules ---------------------------------------------------------
    "zoom-disabled": RuleInfo(ELDER, "页面禁止缩放（适老化）",
                              "viewport 中去掉 user-scalable=no，maximum-scale 不小于 2，让老年人能放大页面（适老化规范）。",
                              Severity.MAJOR),
    "small-font": RuleInfo(ELDER, "正文字号小于 14px",
                           "正文字号不小于 14px（适老化规范建议主要文字 18pt 以上的长者模式，普通模式不小于 14px）。",
                           Severity.MINOR),
    "line-height": RuleInfo(ELDER, "正文行距过小", "正文行高不小于字号的 1.3 倍（GB/T 37668-2019）。", Severity.MINOR),
    "no-care-entry": RuleInfo(ELDER, "首页没有长者模式/无障碍入口",
                              "在首页显著位置提供“长者模式”“关怀版”或“无障碍浏览”入口（适老化规范）。", Severity.MAJOR),
    "floating-window": RuleInfo(ELDER, "浮动窗口或弹窗遮挡内容",
                                "去掉漂浮广告和遮挡内容的弹窗，或提供明显的关闭按钮（适老化规范：不得有广告插件、弹窗）。",
                                Severity.MINOR),
    "focus-visible": RuleInfo(ELDER, "键盘焦点不可见", "不要用 outline:none 去掉焦点框，或提供同样醒目的焦点样式（WCAG 2.4.7）。",
                              Severity.MINOR),
}

# The national checks read the page as served; a11y rules the static pass and axe
# share must be recognisable by the same id, which they are by construction.

IMPACT_SEVERITY: dict[str, Severity] = {
    # axe's impact grades the harm to a user who meets the barrier; an inspection ranks
    # nothing accessibility-related among the veto (critical) items, so the top two
    # grades are "major" (限期整改) and the bottom two "minor" (日常维护).
    "critical": Severity.MAJOR,
    "serious": Severity.MAJOR,
    "moderate": Severity.MINOR,
    "minor": Severity.MINOR,
}

# Impact of the static pass's nodes, matching what axe reports for the same rule.
STATIC_IMPACT: dict[str, str] = {
    "image-alt": "critical", "input-image-alt": "critical", "link-name": "serious", "button-name": "critical",
    "label": "critical", "select-name": "critical", "frame-title": "serious", "html-has-lang": "serious",
    "html-lang-valid": "serious", "document-title": "serious", "duplicate-id": "minor", "empty-heading": "minor",
    "td-has-header": "critical", "color-contrast": "serious", "marquee": "serious", "blink": "serious",
    "meta-refresh": "critical", "meta-viewport": "critical", "no-autoplay-audio": "moderate",
}

ELDER_RULES = frozenset(rule for rule, info in RULES.items() if info.check == ELDER)


def check_of(rule: str) -> str:
    """The check that reports a rule: elder-friendly for the 适老化 ids, a11y for everything else."""
    info = RULES.get(rule)
    return info.check if info is not None else A11Y


def severity_of(rule: str, impact: str | None) -> Severity:
    """A rule's severity: fixed for govcrawl's own rules, else from the axe impact."""
    info = RULES.get(rule)
    if info is not None and info.severity is not None:
        return info.severity
    return IMPACT_SEVERITY.get(impact or STATIC_IMPACT.get(rule, "moderate"), Severity.MINOR)
