"""Demo isolated-elder records: care levels, assessments, living situations, contacts."""

from datetime import timedelta

CARE_LEVEL_WEIGHTS = (40, 30, 20, 10)
ASSESSORS = ("社工 李淑芬", "社工 許雅婷", "社工 黃冠宇", "社會課 陳美玲", "社會課 王小明",
             "長照管理專員 吳佩珊")
LIVING = (
    "獨居，住透天厝一樓",
    "獨居，租屋於公寓四樓，無電梯",
    "獨居，子女住高雄市區，每週探望一次",
    "獨居，與一隻狗同住",
    "獨居，配偶已歿，子女在外地工作",
    "獨居，白天到社區關懷據點用餐",
    "與年邁配偶同住，兩人皆行動不便",
    "獨居，鐵皮屋，夏季悶熱",
    "獨居，鄰居每日探視",
    "獨居，住三合院，出入需經田埂小路",
)
HEALTH = (
    "高血壓，每月回診",
    "糖尿病，需定時服藥",
    "行動需助行器",
    "輕度失智，需提醒服藥",
    "聽力退化，敲門需大聲",
    "膝關節退化，上下樓困難",
    "視力不佳，白內障術後",
    "曾跌倒骨折，已復原",
)
SENSITIVE = (
    "與長子關係疏離，勿主動聯絡長子",
    "曾有憂鬱症病史，注意情緒變化",
    "經濟受家人控制，已通報社工追蹤",
)
INACTIVE = ("已入住長照機構", "已搬與子女同住", "經訪視非實際獨居")
RELATIONS = (("兒子", "M"), ("女兒", "F"), ("姪子", "M"), ("外甥女", "F"), ("鄰居", None),
             ("里長", None), ("媳婦", "F"))


def elder_rows(rng, today, town, picked):
    """Yield (elder, contacts) dicts for each picked (person_id, name, sex, birth, ...)."""
    levels = care_levels(rng, len(picked))
    for level, (person_id, name, sex, birth, *_rest) in zip(levels, picked, strict=True):
        active = rng.random() > 0.04
        elder = {
            "person_id": person_id,
            "care_level": level,
            "assessed_on": today - timedelta(days=rng.randint(7, 700)),
            "assessor": rng.choice(ASSESSORS),
            "living_situation": rng.choice(LIVING),
            "health_notes": "；".join(rng.sample(HEALTH, rng.randint(1, 2)))
            if rng.random() < 0.3 + 0.15 * level else "",
            "sensitive_notes": rng.choice(SENSITIVE) if rng.random() < 0.05 else "",
            "active": active,
            "inactive_reason": "" if active else rng.choice(INACTIVE),
        }
        contacts = [_contact(rng, town, name, sex, birth)
                    for _ in range(1 if rng.random() < 0.65 else 2)]
        yield elder, contacts


def care_levels(rng, count):
    """Levels in the 40/30/20/10 shares, every level at least once when count >= 4."""
    levels = []
    for level, weight in zip((4, 3, 2), CARE_LEVEL_WEIGHTS[::-1], strict=False):
        levels += [level] * max(1 if count >= 4 else 0, round(count * weight / 100))
    levels = levels[:count]
    levels += [1] * (count - len(levels))
    rng.shuffle(levels)
    return levels


def _contact(rng, town, elder_name, elder_sex, elder_birth):
    relation, sex = rng.choice(RELATIONS)
    sex = sex or rng.choice("MF")
    family = relation in ("兒子", "女兒", "姪子") and elder_sex == "M"
    surname = elder_name[0] if family else town.surname()
    child_birth = elder_birth + timedelta(days=rng.randint(22, 36) * 365)
    return {"name": surname + town.given(sex, child_birth), "relation": relation,
            "phone": town.mobile() if rng.random() < 0.85 else town.landline()}
