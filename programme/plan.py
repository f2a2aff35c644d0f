"""The county's plan (霍政办秘〔2022〕42号): the yearly targets and 附件2's eleven tasks, as published."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PLAN_DOCUMENT = "霍政办秘〔2022〕42号 霍邱县“鸿雁回归”就业创业工程实施方案"
# 年新增就业5100人以上，全县每年组织招聘会76场以上，达成就业意向不少于1260人
PLAN_TARGETS = {"new_jobs": 5100, "fairs": 76, "intentions": 1260}

BY_MAY = "2022年5月31日前"
ONGOING = "持续推进，2022年取得实际效果"
TOWNS = "各乡镇（园区）"
VILLAGES = "村（社区）"
GROUP = "党建引领“鸿雁回归”就业创业工作领导小组成员单位"
RSJ = "县人社局"


@dataclass(frozen=True)
class PlanTask:
    """One row of 附件2 任务清单: number, title, content, lead unit, partner units, deadline as written."""

    seq: int
    title: str
    content: str
    lead_unit: str
    partner_units: tuple[str, ...]
    deadline_text: str

    def deadline(self, year: int) -> date:
        """The dated deadline: 31 May 2022 as written, or for the continuing tasks the end of ``year``."""
        return date(2022, 5, 31) if self.deadline_text == BY_MAY else date(max(year, 2022), 12, 31)


PLAN_TASKS: tuple[PlanTask, ...] = (
    PlanTask(
        1,
        "建立信息平台",
        "推广“鸿雁回归”就业创业综合服务平台，提供个人求职、企业招工、政策宣传、信息咨询等全方位就业创业服务。",
        RSJ,
        (TOWNS, VILLAGES),
        BY_MAY,
    ),
    PlanTask(
        2,
        "开展信息采集",
        "运用“鸿雁回归”就业创业综合服务平台，对人力资源进行全面摸底，建立县乡村三级审核机制，确保数据质量。",
        RSJ,
        (TOWNS, VILLAGES),
        BY_MAY,
    ),
    PlanTask(
        3,
        "丰富功能运用",
        "充分运用“鸿雁回归”就业创业工程综合服务平台采集的各项数据和各种功能，拓宽人力资源信息渠道，"
        "实现全县劳动力资源配置的最优化，人力资源管理效率的最大化。",
        RSJ,
        (TOWNS, VILLAGES),
        ONGOING,
    ),
    PlanTask(
        4,
        "加强供需匹配",
        "开展企业人力资源需求调查，搭建信息交互平台，开通“就业地图”特色服务功能。"
        "建立乡镇（开发区）间用工调剂机制，探索“共享用工”模式等。",
        RSJ,
        (TOWNS,),
        ONGOING,
    ),
    PlanTask(
        5,
        "打造承载平台",
        "加大返乡创业园、青年创业园以及特色农业产化化园区的建设力度，构建众创空间、孵化器、加速器、"
        "产业园相互接续的创业平台支持链条，为返乡人才创办实体提供载体支持。",
        RSJ,
        (TOWNS, GROUP),
        ONGOING,
    ),
    PlanTask(
        6,
        "落实创业扶持",
        "加快实施“创业江淮”行动计划（2021－2025年），着力打造“创业领航”“青年创业”“皖厨创业”等工程，"
        "深入开展各类“双创”活动。",
        RSJ,
        (TOWNS, GROUP),
        ONGOING,
    ),
    PlanTask(
        7,
        "畅通联络渠道",
        "搭建与在外霍邱籍就业创业人员的交流渠道，依托六安在外人才协会各分会、经济文化促进会、"
        "农民工综合服务站等，加强联系联络。",
        RSJ,
        (TOWNS, GROUP),
        ONGOING,
    ),
    PlanTask(
        8,
        "提升服务效能",
        "简化优化审批流程，设立“鸿雁回归·就业创业综合服务窗口”，为创业就业提供一站式、标准化服务。",
        RSJ,
        (GROUP,),
        BY_MAY,
    ),
    PlanTask(
        9,
        "打造特色品牌",
        "创建特色农业品牌、建立地域鲜明、技能突出的特色劳务品牌，努力打造“霍邱龙虾”劳务品牌，"
        "促进劳务品牌与产业融合。",
        RSJ,
        (TOWNS, GROUP),
        ONGOING,
    ),
    PlanTask(
        10,
        "鼓励人才回归",
        "加速人才、智力、资本的注入和回归，变“走出去”为“引回来”带动群众就近就地就业。",
        RSJ,
        (TOWNS, GROUP),
        ONGOING,
    ),
    PlanTask(
        11,
        "加强政治吸纳",
        "鼓励将返乡致富带头人发展成党员，并作为村级后备干部中坚力量进行培养。实施“能人进班子”计划，"
        "从返乡就业创业人员中择优选聘进村两委班子。",
        "县委组织部",
        (TOWNS, VILLAGES, GROUP),
        ONGOING,
    ),
)
