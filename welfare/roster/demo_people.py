"""Believable residents for demo data (Linyuan's by default, any district's by its
profile): names, ID numbers, ages, addresses, households. Pure Python (no Flask, no
database) so that a million rows stay fast."""

from dataclasses import dataclass
from datetime import date, timedelta

from welfare.core import idno

# Taiwan's commonest surnames with their approximate share (percent) of the population.
SURNAMES = (
    ("陳", 11.1), ("林", 8.3), ("黃", 6.0), ("張", 5.3), ("李", 5.1), ("王", 4.1), ("吳", 4.0),
    ("劉", 3.2), ("蔡", 2.9), ("楊", 2.7), ("許", 2.3), ("鄭", 1.9), ("謝", 1.9), ("洪", 1.6),
    ("郭", 1.7), ("邱", 1.5), ("曾", 1.5), ("廖", 1.4), ("賴", 1.4), ("徐", 1.2), ("周", 1.1),
    ("葉", 1.1), ("蘇", 1.1), ("莊", 1.0), ("呂", 0.9), ("江", 0.9), ("何", 0.8), ("蕭", 0.8),
    ("羅", 0.8), ("高", 0.8), ("潘", 0.7), ("簡", 0.7), ("朱", 0.7), ("鍾", 0.7), ("游", 0.6),
    ("彭", 0.6), ("詹", 0.6), ("胡", 0.5), ("施", 0.5), ("沈", 0.5), ("余", 0.5), ("盧", 0.5),
    ("梁", 0.5), ("趙", 0.4), ("顏", 0.4), ("柯", 0.4), ("翁", 0.4), ("魏", 0.4), ("孫", 0.3),
    ("戴", 0.3),
)
# Given-name characters by sex and birth cohort: (first characters, second characters).
GIVEN = {
    ("M", 0): ("金明德榮清文正國福添木水春進天建永輝萬坤旺來發財順雄義忠成阿",
               "雄德財福輝發源田山水生成吉旺順昌和盛池松助土祥煌枝"),
    ("F", 0): ("秀美玉麗春月金阿淑碧素寶珠蓮桂雪梅彩錦英鳳嬌蘭霞雲花琴貞",
               "英蘭珠鳳花嬌雲霞枝梅娥玉月琴蓮香妹桃緞卿治好"),
    ("M", 1): ("志建俊家明文宗冠信國政嘉振偉士世宏智正昌耀啟凱",
               "明宏偉豪傑賢成銘翔鴻仁華強榮龍忠勳達輝彥誠民"),
    ("F", 1): ("淑美雅怡惠佩秀玉麗靜郁慧宜家婉素俐月珮琬",
               "芬玲君娟華貞萍珍惠婷如雯慧芳琪真容蓉瑩儀"),
    ("M", 2): ("宇承冠柏家彥宥品子睿哲俊宏浩翊晨育昱宸定",
               "翔宇廷恩睿軒豪程凱佑勳瑋霖傑安瀚碩杰維澤"),
    ("F", 2): ("欣怡佳雅詩宜婷思品子語家芷羽心以亦若依筱",
               "婷涵瑄妤萱穎庭柔彤琪晴恩蓁慈瑜文安伶嘉潔"),
}
# Spouses from Vietnam and Indonesia often keep a transliterated name and a resident certificate.
NEW_IMMIGRANT_SURNAMES = ("阮氏", "黎氏", "陳氏", "范氏", "武氏", "鄧氏")
ROADS = (
    "林園北路", "林園南路", "沿海路一段", "沿海路二段", "沿海路三段", "沿海路四段", "中山路",
    "東林西路", "王公路", "鳳林路一段", "鳳林路二段", "港埔路", "仁愛路", "忠孝東路",
    "忠孝西路", "中正路", "文化路", "信義路", "清水岩路", "中門路", "北汕路", "林內路",
    "五福路", "溪州路", "西溪路", "汕尾路", "頂厝路", "潭頭路",
)
OTHER_LETTERS = "ABCDFGHKLMNPQTUVX"
# The first letter of ID numbers issued in each county or city (the later-merged counties'
# letters second: 高雄縣 S, 臺中縣 L, 臺南縣 R).
ID_LETTERS = {
    "臺北市": "A", "臺中市": "BL", "基隆市": "C", "臺南市": "DR", "高雄市": "ES", "新北市": "F",
    "宜蘭縣": "G", "桃園市": "H", "嘉義市": "I", "新竹縣": "J", "苗栗縣": "K", "南投縣": "M",
    "彰化縣": "N", "新竹市": "O", "雲林縣": "P", "嘉義縣": "Q", "屏東縣": "T", "花蓮縣": "U",
    "臺東縣": "V", "金門縣": "W", "澎湖縣": "X", "連江縣": "Z",
}
# Landline area codes and the digits after them.
AREA_CODES = {
    "臺北市": ("02", 8), "新北市": ("02", 8), "基隆市": ("02", 8), "桃園市": ("03", 7),
    "新竹縣": ("03", 7), "新竹市": ("03", 7), "宜蘭縣": ("03", 7), "花蓮縣": ("03", 7),
    "苗栗縣": ("037", 6), "臺中市": ("04", 8), "彰化縣": ("04", 7), "南投縣": ("049", 7),
    "雲林縣": ("05", 7), "嘉義縣": ("05", 7), "嘉義市": ("05", 7), "臺南市": ("06", 7),
    "澎湖縣": ("06", 7), "高雄市": ("07", 7), "屏東縣": ("08", 7), "臺東縣": ("089", 6),
    "金門縣": ("082", 6), "連江縣": ("0836", 5),
}
# The 30 mountain indigenous townships (山地原住民鄉/區), where most residents are indigenous.
MOUNTAIN_INDIGENOUS = {
    ("新北市", "烏來區"), ("桃園市", "復興區"), ("新竹縣", "尖石鄉"), ("新竹縣", "五峰鄉"),
    ("苗栗縣", "泰安鄉"), ("臺中市", "和平區"), ("南投縣", "仁愛鄉"), ("南投縣", "信義鄉"),
    ("嘉義縣", "阿里山鄉"), ("高雄市", "茂林區"), ("高雄市", "桃源區"), ("高雄市", "那瑪夏區"),
    ("屏東縣", "三地門鄉"), ("屏東縣", "霧臺鄉"), ("屏東縣", "瑪家鄉"), ("屏東縣", "泰武鄉"),
    ("屏東縣", "來義鄉"), ("屏東縣", "春日鄉"), ("屏東縣", "獅子鄉"), ("屏東縣", "牡丹鄉"),
    ("臺東縣", "金峰鄉"), ("臺東縣", "達仁鄉"), ("臺東縣", "延平鄉"), ("臺東縣", "海端鄉"),
    ("臺東縣", "蘭嶼鄉"), ("花蓮縣", "秀林鄉"), ("花蓮縣", "萬榮鄉"), ("花蓮縣", "卓溪鄉"),
    ("宜蘭縣", "南澳鄉"), ("宜蘭縣", "大同鄉"),
}
COMMON_ROADS = ("中山路", "中正路", "民生路", "民族路", "復興路", "文化路")


@dataclass(frozen=True)
class Profile:
    """What differs between districts in demo data."""
    roads: tuple | None  # the district's roads, or None: roads named after each village
    id_letters: str  # first letters of ID numbers, the commonest first
    area_code: str
    landline_digits: int
    indigenous_share: float


def profile_for(county, town):
    """The demo profile of a district by its county and town name (e.g. 高雄市, 林園區)."""
    if (county, town) == ("高雄市", "林園區"):
        return LINYUAN
    area, digits = AREA_CODES.get(county, ("07", 7))
    share = 0.85 if (county, town) in MOUNTAIN_INDIGENOUS else 0.015
    return Profile(None, ID_LETTERS.get(county, "E"), area, digits, share)
# Household sizes and their shares: Linyuan averages about 2.4 people per household.
SIZES = (1, 2, 3, 4, 5, 6)
SIZE_WEIGHTS = (26, 27, 19, 16, 8, 4)
# Ages 65 and over by five-year band (65-69 ... 100-104), the shape of Taiwan's elders.
ELDER_BANDS = tuple(range(65, 105, 5))
ELDER_BAND_WEIGHTS = (32, 25, 16, 11, 8, 4.5, 1.2, 0.12)
MOBILE_PREFIXES = tuple(f"09{n:02d}" for n in range(10, 90) if n % 10 != 0 or n in (10, 20))


class Town:
    """Generates households of residents; keeps issued ID numbers unique."""

    def __init__(self, rng, today, villages, taken_ids=(), profile=None, village_names=None):
        self.rng = rng
        self.profile = profile or LINYUAN
        self.today = today
        self.issued = set(taken_ids)
        self.surnames = [s for s, _ in SURNAMES]
        self.surname_cum = _cumulative(w for _, w in SURNAMES)
        self.villages = villages
        self.village_cum = _cumulative(rng.uniform(0.45, 1.8) for _ in villages)
        self.lins = {v: rng.randint(14, 30) for v in villages}
        if self.profile.roads:
            self.roads = {v: rng.sample(self.profile.roads, 3) for v in villages}
        else:  # 富世村 -> 富世路, 富世一街 and a road most towns have
            names = village_names or {}
            self.roads = {v: (f"{names.get(v, '中興村')[:-1]}路",
                              f"{names.get(v, '中興村')[:-1]}一街", rng.choice(COMMON_ROADS))
                          for v in villages}

    # Single values

    def surname(self):
        return self.rng.choices(self.surnames, cum_weights=self.surname_cum)[0]

    def given(self, sex, birth):
        cohort = 0 if birth.year <= 1960 else 1 if birth.year <= 1990 else 2
        first, second = GIVEN[(sex, cohort)]
        a = self.rng.choice(first)
        b = self.rng.choice(second)
        while b == a:
            b = self.rng.choice(second)
        return a + b

    def id_number(self, sex, resident=False):
        rng = self.rng
        r = rng.random()
        letters = self.profile.id_letters
        letter = letters[0] if r < 0.5 else letters[-1] if r < 0.88 else rng.choice(OTHER_LETTERS)
        while True:
            number = idno.generate(letter, sex, rng, resident=resident)
            if number not in self.issued:
                self.issued.add(number)
                return number

    def birth(self, age):
        days = int((age + self.rng.random()) * 365.2425)
        return date.fromordinal(self.today.toordinal() - days)

    def elder_age(self):
        band = self.rng.choices(ELDER_BANDS, ELDER_BAND_WEIGHTS)[0]
        return band + self.rng.randint(0, 4)

    def mobile(self):
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randint(0, 999999):06d}"

    def landline(self):
        # Linyuan numbers are 07-641xxxx to 07-647xxxx; stored as digits so searches match.
        profile = self.profile
        if profile is LINYUAN:
            return f"0764{self.rng.randint(10000, 79999)}"
        low = 2 * 10 ** (profile.landline_digits - 1)
        return f"{profile.area_code}{self.rng.randint(low, 10 ** profile.landline_digits - 1)}"

    def address(self, village):
        rng = self.rng
        text = rng.choice(self.roads[village])
        if rng.random() < 0.35:
            text += f"{rng.randint(1, 320)}巷"
            if rng.random() < 0.2:
                text += f"{rng.randint(1, 30)}弄"
        number = rng.randint(1, 400)
        text += f"{number}之{rng.randint(1, 3)}號" if rng.random() < 0.08 else f"{number}號"
        if rng.random() < 0.3:
            text += f"{rng.randint(2, 12)}樓"
            if rng.random() < 0.2:
                text += f"之{rng.randint(1, 5)}"
        return text

    # Households

    def household(self):
        """(village, neighbourhood, address, indigenous, members); members are dicts
        with relation, sex, age, surname, resident."""
        rng = self.rng
        village = rng.choices(self.villages, cum_weights=self.village_cum)[0]
        size = rng.choices(SIZES, SIZE_WEIGHTS)[0]
        members = self._members(size)
        return village, rng.randint(1, self.lins[village]), self.address(village), \
            rng.random() < self.profile.indigenous_share, members

    def _members(self, size):
        rng = self.rng
        family = self.surname()
        if size == 1:
            age = self.elder_age() if rng.random() < 0.45 else rng.randint(22, 64)
            return [_m("本人", rng.choice("MF"), age, family)]
        if size == 2:
            r = rng.random()
            if r < 0.36:
                return self._couple(self.elder_age(), family)
            if r < 0.78:
                return self._couple(rng.randint(24, 64), family)
            head = rng.randint(40, 72)
            sex = rng.choice("MF")
            return [_m("本人", sex, head, family), self._child(head, family)]
        if rng.random() < 0.2:
            return self._three_generations(size, family)
        head = rng.randint(28, 62)
        members = self._couple(head, family)
        if rng.random() < 0.35 and size >= 4:
            parent_age = min(104, head + rng.randint(22, 36))
            sex = rng.choice("MF")
            members.append(_m("父" if sex == "M" else "母", sex, parent_age,
                              family if sex == "M" else self.surname()))
        while len(members) < size:
            members.append(self._child(head, family))
        return members

    def _couple(self, head_age, family):
        rng = self.rng
        head_sex = "M" if rng.random() < 0.8 else "F"
        spouse_sex = "F" if head_sex == "M" else "M"
        spouse_age = max(20, head_age + rng.randint(-8, 4) * (1 if head_sex == "M" else -1))
        resident = spouse_sex == "F" and head_age < 70 and rng.random() < 0.06
        return [_m("本人", head_sex, head_age, family),
                _m("配偶", spouse_sex, min(spouse_age, 104), self.surname(), resident)]

    def _child(self, parent_age, family):
        sex = self.rng.choice("MF")
        age = max(0, parent_age - self.rng.randint(22, 38))
        return _m("子" if sex == "M" else "女", sex, age, family)

    def _three_generations(self, size, family):
        rng = self.rng
        members = self._couple(self.elder_age(), family)
        head_age = members[0]["age"]
        son = max(24, head_age - rng.randint(24, 34))
        members.append(_m("子", "M", son, family))
        if len(members) < size:
            members.append(_m("媳", "F", max(22, son + rng.randint(-6, 2)), self.surname()))
        while len(members) < size:
            sex = rng.choice("MF")
            members.append(_m("孫" if sex == "M" else "孫女", sex,
                              max(0, son - rng.randint(22, 36)), family))
        return members

    # People

    def person_values(self, member, indigenous, phone):
        """A person's fields (no ids) from a member sketch."""
        rng = self.rng
        sex, age = member["sex"], member["age"]
        birth = self.birth(age)
        if member["resident"]:
            name = rng.choice(NEW_IMMIGRANT_SURNAMES) + self.given(sex, birth)
        else:
            name = member["surname"] + self.given(sex, birth)
        has_mobile = 12 <= age and rng.random() < (0.92 if age < 75 else 0.45)
        return {
            "id_number": self.id_number(sex, member["resident"]),
            "name": name, "sex": sex, "birth_date": birth, "indigenous": indigenous,
            "phone": phone, "mobile": self.mobile() if has_mobile else "",
            "registered_on": self.registered_on(birth, member["resident"]),
            **self.status(age),
        }

    def registered_on(self, birth, resident):
        rng = self.rng
        if not resident and (rng.random() < 0.55 or self.today.year - birth.year < 18):
            return min(birth + timedelta(days=rng.randint(5, 60)), self.today)
        first = max(birth.toordinal() + 18 * 365, date(1970, 1, 1).toordinal())
        last = self.today.toordinal() - 30
        return date.fromordinal(rng.randint(min(first, last), last))

    def status(self, age):
        rng = self.rng
        r = rng.random()
        if r < (0.04 if age >= 80 else 0.004):
            return {"status": "deceased", "status_date": self.recent(900)}
        if r > 0.985 and 18 <= age < 80:
            return {"status": "moved_out", "status_date": self.recent(1100)}
        return {"status": "registered", "status_date": None}

    def recent(self, days):
        return self.today - timedelta(days=self.rng.randint(1, days))


LINYUAN = Profile(ROADS, "ES", "07", 7, 0.015)


def _m(relation, sex, age, surname, resident=False):
    return {"relation": relation, "sex": sex, "age": age, "surname": surname,
            "resident": resident}


def _cumulative(weights):
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out
