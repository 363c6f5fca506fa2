"""The people and words of a generated history: petitioners, repeat visitors, matters."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..cli import GIVEN, SURNAMES, demo_id_number

MATTERS = ("拖欠工资一年未付", "小区物业乱收费", "征地补偿款未到位", "孩子入学被拒",
           "医保报销被拒", "邻居违章搭建", "噪音扰民长期未解决", "低保资格被取消")
REQUESTS = ("请求依法处理", "要求书面答复", "请求协调解决", "要求退还费用")
ADDRESSES = ("历下区泉城路12号", "市中区经七路88号", "槐荫区经十路300号", "天桥区北园大街5号")
MATERIALS = ("身份证复印件", "合同复印件", "照片", "收据", "病历")
REASONS = ("已依法通过诉讼程序处理", "属于仲裁范围")
CHANNELS = ("向人民法院起诉", "向劳动仲裁委员会申请仲裁")


@dataclass
class Petitioner:
    name: str
    id_number: str
    phone: str
    gender: str
    address: str


def new_petitioner(rng: random.Random) -> Petitioner:
    return Petitioner(
        name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2))),
        id_number=demo_id_number(rng),
        phone=f"1{rng.choice('3456789')}{rng.randint(0, 999999999):09d}",
        gender=rng.choice(("male", "female")),
        address=rng.choice(ADDRESSES))


class Crowd:
    """Who comes: mostly new people, some who came before (the same ID number)."""

    def __init__(self, rng: random.Random, repeat_share: float = 0.3):
        self.rng = rng
        self.repeat_share = repeat_share
        self.seen: list[Petitioner] = []

    def next(self) -> tuple[Petitioner, bool]:
        if self.seen and self.rng.random() < self.repeat_share:
            return self.rng.choice(self.seen), True
        person = new_petitioner(self.rng)
        self.seen.append(person)
        return person, False
