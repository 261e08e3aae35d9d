"""Chinese surnames for the name rules: common single-character ones, compound ones, and the
surnames frequent among 黔东南's Miao and Dong people (龙 石 潘 吴 杨 韦 蒙 莫 陆 邰 滚 粟 冉 …)."""

from __future__ import annotations

SINGLE = (
    frozenset(
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪"
        "范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞"
        "颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻"
        "祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇"
        "栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊"
        "仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓"
        "修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
        "滚杨龙潘吴姚欧粟邰"
    )
    # Characters that are far more often function words or common nouns than surnames.
    - frozenset("和但由於时那都来相初门阿乌区公干居呼利信平国海花强云容敬展阴智幸")
)

COMPOUND = frozenset(
    [
        "欧阳",
        "司马",
        "上官",
        "诸葛",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "端木",
    ]
)


def starts_with_surname(word: str) -> bool:
    """True if ``word`` begins with a compound or single surname."""
    return word[:2] in COMPOUND or word[:1] in SINGLE


def given_name_length(word: str) -> int:
    """Length of the part after the surname (0 if there is no surname)."""
    if word[:2] in COMPOUND:
        return len(word) - 2
    return len(word) - 1 if word[:1] in SINGLE else 0
