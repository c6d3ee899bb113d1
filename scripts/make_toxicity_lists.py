#!/usr/bin/env python3
"""Writes translator/data/toxicity/<nllb_code>.txt: per-language lists of offensive terms, for
flagging added toxicity (a term from the target language's list in a translation whose source has
nothing from the source language's list).

Source: the npm package `naughty-words` 1.2.0, which packages the List of Dirty, Naughty, Obscene
and Otherwise Bad Words (LDNOOBW, github.com/LDNOOBW/List-of-Dirty-Naughty-Obscene-and-Otherwise-
Bad-Words; © 2012-2020 Shutterstock, Inc.; CC BY 4.0). The tarball is checked against the sha512
the npm registry gives for it (`dist.integrity`), pinned below, so the lists cannot change under
us; `--tarball` reads a copy already on disk instead of downloading (it is checked the same way).

Each term is normalised (Unicode NFC, surrounding whitespace stripped, lowercased with str.lower,
not casefold, so German ß stays ß), empty lines and duplicates dropped, sorted by code point; multi-
word terms are kept. One term per line, UTF-8, a trailing newline and no header: the Rust code reads
every non-empty line as a term.

The upstream lists were made to keep words out of an image-search autocomplete ("what wouldn't we
want to suggest?"), not to find toxic language, so they hold many words whose ordinary sense is
innocent (Italian `pesce`, fish; Dutch `naaien`, to sew; Korean `보지`, a form of "to see"). Those
are left out by the explicit EXCLUDE table below, each with its innocent sense; `--keep-all` writes
the lists without it. How package codes map to NLLB codes, and which lists are skipped, is in
MAPPING and SKIPPED; translator/data/toxicity/README.md explains both.

    python3 scripts/make_toxicity_lists.py            # download, check, write
    python3 scripts/make_toxicity_lists.py --check    # exit 1 if the files on disk differ
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import re
import sys
import tarfile
import unicodedata
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "translator" / "data" / "toxicity"
CATALOGUE = ROOT / "langs" / "data" / "languages.tsv"
HAN_VARIANTS = ROOT / "langs" / "data" / "han_variants.txt"

PACKAGE = "naughty-words"
VERSION = "1.2.0"
TARBALL_URL = f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
# `dist.integrity` of naughty-words@1.2.0 in the npm registry.
INTEGRITY = "sha512-0iadX6fN+3NsfvIRtWmmpEX9VsoIQ6n9FwyIxmew9w5yzFNqMgs/Ky0eAC/z5xXSHtqlVoByiovdROikwH9SXQ=="
LICENSE = "CC-BY-4.0"

# Package language code -> the NLLB codes that get its list. `zh` is split by script (see
# chinese_split); `fr-CA-u-sd-caqc` (Quebec French swearing) is merged into French, since NLLB
# has one French; Norwegian's list is informal vocabulary that Bokmål and Nynorsk share, so both
# get it.
MAPPING: dict[str, list[str]] = {
    "ar": ["arb_Arab"],
    "cs": ["ces_Latn"],
    "da": ["dan_Latn"],
    "de": ["deu_Latn"],
    "en": ["eng_Latn"],
    "eo": ["epo_Latn"],
    "es": ["spa_Latn"],
    "fa": ["pes_Arab"],
    "fi": ["fin_Latn"],
    "fil": ["tgl_Latn"],
    "fr": ["fra_Latn"],
    "fr-CA-u-sd-caqc": ["fra_Latn"],
    "hu": ["hun_Latn"],
    "it": ["ita_Latn"],
    "ja": ["jpn_Jpan"],
    "kab": ["kab_Latn"],
    "ko": ["kor_Hang"],
    "nl": ["nld_Latn"],
    "no": ["nob_Latn", "nno_Latn"],
    "pl": ["pol_Latn"],
    "pt": ["por_Latn"],
    "ru": ["rus_Cyrl"],
    "sv": ["swe_Latn"],
    "th": ["tha_Thai"],
    "tr": ["tur_Latn"],
    "zh": ["zho_Hans", "zho_Hant", "yue_Hant"],
}

# Package lists that get no file, and why.
SKIPPED: dict[str, str] = {
    "tlh": "Klingon; not an NLLB language",
    "hi": "Hindi romanised in Latin letters (chutiya, madarchod); NLLB writes Hindi in Devanagari, "
    "so the list could never match hin_Deva output",
}

# Terms left out, by package code (after normalisation), each with the innocent sense that makes it
# a false flag in ordinary text. The kinds: a homonym whose everyday sense is innocent; an everyday
# word or phrase; a neutral identity term; a neutral word of news, law or medicine (drugs, crime,
# sex as gender). Slurs, swearing and sexual vocabulary, clinical or not, are kept.
EXCLUDE: dict[str, dict[str, str]] = {
    "ar": {
        "فرج": "relief (faraj), also a common given name",
        "لبوة": "lioness",
        "مبادل": "exchanger (heat exchanger), trader",
        "لعق": "to lick",
        "لحس": "to lick",
        "مص": "to suck",
    },
    "cs": {
        "žrát": "to eat (of animals)",
        "píchat": "to prick, to sting, to inject",
    },
    "de": {
        "mufti": "Islamic legal scholar (a title)",
        "rosette": "rosette, rose window",
        "bonze": "Buddhist monk; bigwig",
    },
    "en": {
        "xx": "Roman numeral XX; placeholder",
        "suck": "ordinary verb",
        "sucks": "ordinary verb",
        "escort": "military or police escort",
        "domination": "(world) domination",
        "sex": "sex as gender, on forms and in law",
        "sexual": "neutral register (sexual harassment, sexual health)",
        "sexually": "neutral register",
        "sexuality": "neutral register",
        "sexo": "Spanish/Portuguese: sex, gender",
        "how to kill": "how to kill a process / weeds",
        "how to murder": "crime news, fiction",
        "girl on": "a girl on the bus",
        "big black": "a big black dog",
        "tied up": "tied up in meetings",
        "taste my": "taste my soup",
        "tongue in a": "ordinary phrase",
        "huge fat": "ordinary phrase",
        "tight white": "a tight white shirt",
        "make me come": "make me come back",
        "jelly donut": "the pastry",
        "strap on": "strap on your helmet",
        "hardcore": "hardcore punk, hardcore fans",
        "hard core": "the hard core of supporters",
        "fingering": "fingering on a guitar or piano",
        "pegging": "pegging a currency",
        "shrimping": "fishing for shrimp",
        "snowballing": "growing rapidly",
        "scissoring": "cutting with scissors",
        "skeet": "skeet shooting",
        "scat": "animal droppings (wildlife); scat singing",
        "snatch": "to grab",
        "undressing": "ordinary verb",
        "panties": "clothing",
        "panty": "clothing",
        "playboy": "common noun; a magazine",
        "eunuch": "history",
        "swastika": "Hindu and Buddhist symbol; history",
        "santorum": "a surname",
        "twinkie": "a snack cake",
        "cialis": "drug brand name",
        "viagra": "drug brand name",
        "fecal": "medicine, water quality (fecal coliforms)",
        "tit": "a bird (blue tit); tit for tat",
    },
    "es": {
        "asesinato": "murder (news)",
        "asno": "donkey",
        "concha": "seashell",
        "drogas": "drugs (news, health)",
        "heroína": "heroine; heroin",
        "infierno": "hell (religion, idiom)",
        "maciza": "solid (madera maciza)",
        "martillo": "hammer",
        "nazi": "history",
        "orina": "urine (medicine)",
        "racista": "racist, describing racism",
        "sexo": "sex, gender (on forms)",
        "trio": "trio",
    },
    "fa": {
        "کس": "person, anyone (هیچ کس, nobody)",
        "تجاوز": "transgression, violation, exceeding",
        "سوپر": "super (supermarket)",
        "حشر": "resurrection, gathering (religion)",
    },
    "fi": {
        "haahka": "common eider (a duck)",
        "hatullinen": "a hatful",
        "jätkä": "guy, lad (informal)",
        "muna": "egg",
        "paljaalla": "on bare (ground)",
        "panna": "to put",
        "pano": "deposit, putting",
        "pantava": "to be put",
        "pipari": "gingerbread biscuit",
        "pistää": "to stick, to prick, to put",
        "reikä": "hole",
        "tavara": "goods, stuff",
        "viiksi": "moustache",
    },
    "fr": {
        "baiser": "a kiss (noun)",
        "bourré": "stuffed, packed; drunk (informal)",
        "bourrée": "stuffed, packed; a dance",
        "folle": "mad, crazy (une idée folle)",
        "gerbe": "sheaf; spray of flowers",
        "jouir": "to enjoy (jouir de droits)",
        "meuf": "woman (informal verlan, not offensive)",
        "pédale": "pedal",
        "ramoner": "to sweep a chimney",
        "suce": "form of sucer, to suck",
        "tanche": "tench (a fish)",
    },
    "fr-CA-u-sd-caqc": {
        "calice": "chalice, in standard French",
    },
    "hu": {
        "búr": "Boer",
        "búrok": "Boers",
        "franc": "franc (currency)",
        "francok": "francs",
        "francokat": "francs",
        "francot": "franc",
        "marha": "cattle, beef; intensifier (marha jó)",
        "marhák": "cattle",
        "marhákat": "cattle",
        "marhát": "cattle",
    },
    "it": {
        "bagnarsi": "to get wet, to bathe",
        "battere": "to beat, to hit, to strike",
        "biga": "bread starter; chariot",
        "cadavere": "corpse",
        "cozza": "mussel",
        "fava": "broad bean",
        "finocchio": "fennel",
        "ingoio": "I swallow",
        "monta": "mounts",
        "montare": "to mount, to assemble, to whip (cream)",
        "nave scuola": "training ship",
        "palle": "balls (snowballs, tennis balls)",
        "pesce": "fish",
        "pisello": "pea",
        "pistolotto": "harangue, lecture",
        "pompa": "pump",
        "porca": "sow",
        "porco": "pig, pork",
        "quaglia": "quail",
        "regina": "queen",
        "rizzarsi": "to stand up, to bristle",
        "sbattere": "to slam, to beat (eggs)",
        "sega": "saw",
        "spagnola": "Spanish (feminine)",
        "tirare": "to pull, to throw",
        "vacca": "cow",
        "vangare": "to dig with a spade",
    },
    "ja": {
        "3p": "three-pointer; abbreviation",
        "sm": "abbreviation (size S/M, SMS)",
        "xx": "placeholder",
        "いたずら": "prank, mischief",
        "エクスタシー": "ecstasy (feeling, drug)",
        "エスコート": "escort",
        "カント": "Kant (the philosopher)",
        "グロ": "start of グローバル (global), グロス",
        "コカイン": "cocaine (news)",
        "しばり": "tying; constraint",
        "縛り": "tying; constraint",
        "スリット": "slit",
        "ディック": "Dick (a name: Moby Dick, Philip K. Dick)",
        "なめ": "stem of なめる, start of なめらか (smooth)",
        "ハードコア": "hardcore (music)",
        "ファンタジー": "fantasy",
        "フィスト": "fist",
        "フック": "hook",
        "プレイボーイ": "playboy",
        "ぽっちゃり": "chubby",
        "ぶっかけ": "ぶっかけうどん (a noodle dish)",
        "ラティーナ": "Latina",
        "ラバー": "rubber; lover",
        "ランジェリー": "lingerie (clothing)",
        "パンティー": "panties (clothing)",
        "レズビアン": "lesbian (identity)",
        "ローター": "rotor",
        "嫌い": "dislike",
        "拷問": "torture (news, history)",
        "殺し方": "way of killing (news, fiction)",
        "殺人事件": "murder case (news)",
        "殺人方法": "murder method (news, fiction)",
        "支配": "control, rule",
        "自己愛性": "narcissistic (psychology)",
        "女の子": "girl",
        "女王様": "queen (honorific)",
        "女子高生": "high-school girl",
        "人妻": "married woman",
        "人種": "race (ethnicity)",
        "挿入": "insertion (also in software)",
        "脱衣": "undressing (脱衣所, changing room)",
        "剃毛": "shaving",
        "奴隷": "slave (history)",
        "噴出": "eruption, spouting",
        "平手打ち": "slap",
        "毛深い": "hairy",
        "誘惑": "temptation",
        "両性": "both sexes (両性の平等, gender equality)",
        "両刀": "two swords",
        "卍": "manji, the Buddhist temple symbol on maps",
        "宦官": "eunuch (history)",
        "アジアのかわいい女の子": "cute Asian girl (ordinary phrase)",
    },
    "ko": {
        "노모": "elderly mother",
        "망가": "manga; stem of 망가지다 (to break)",
        "보지": "보지 (않다), a form of 보다, to see",
        "자지": "자지 (않다), a form of 자다, to sleep",
        "애자": "insulator (electrical)",
        "야사": "unofficial history",
        "유모": "nanny",
        "하드코어": "hardcore (music)",
    },
    "nl": {
        "aardappels afgieten": "drain the potatoes",
        "achter het raam zitten": "sit behind the window",
        "aftrekken": "to subtract",
        "anita": "a given name",
        "asbak": "ashtray",
        "balen": "bales; to be fed up",
        "bekken": "pelvis, basin, cymbals",
        "beurt": "turn (aan de beurt)",
        "boemelen": "to go out; slow train",
        "brugpieper": "first-year pupil",
        "buffelen": "to slog, to wolf down",
        "de ballen": "the balls",
        "de hond uitlaten": "walk the dog",
        "de pijp uitgaan": "to die (idiom)",
        "driehoog achter wonen": "live three floors up at the back",
        "een halve man en een paardekop": "hardly anyone (idiom)",
        "flikken": "to pull off (a trick)",
        "gat": "hole",
        "gedoogzone": "tolerance zone",
        "gras maaien": "mow the grass",
        "griet": "girl (informal)",
        "hol": "cave, burrow; hollow",
        "johny": "a given name",
        "kanen": "to eat (informal)",
        "knor": "oink",
        "matje": "little mat; young herring",
        "muts": "hat, cap",
        "naaien": "to sew",
        "nicht": "niece, cousin",
        "paal": "pole, post",
        "palen": "poles, posts",
        "penoze": "criminal underworld",
        "pijpen": "pipes",
        "poot": "paw, leg",
        "pot": "pot, jar",
        "potverdorie": "darn (mild)",
        "raaskallen": "to talk nonsense",
        "remsporen": "brake marks",
        "reutelen": "to rattle, to gurgle",
        "rukken": "to pull, to jerk",
        "schatje": "sweetheart",
        "slempen": "to feast",
        "spuiten": "to spray, to inject",
        "standje": "position; scolding",
        "stootje": "little push",
        "toeter": "horn, hooter",
        "tongzoeng": "French kiss",
        "vergallen": "to spoil",
        "wippen": "to seesaw, to flip",
        "zaadje": "little seed",
        "zuigen": "to suck",
    },
    "no": {
        "fan": "fan, supporter (faen, the swear word, is kept)",
        "satan": "Satan (religion)",
        "sinnsykt": "insanely (intensifier: sinnsykt bra)",
    },
    "pl": {
        "dmuchać": "to blow",
        "jajko": "egg",
        "duperele": "trifles",
    },
    "pt": {
        "aborto": "abortion, miscarriage (medicine, law)",
        "amador": "amateur",
        "aranha": "spider",
        "ariano": "Aryan; Aries",
        "bissexual": "identity",
        "heterosexual": "identity",
        "homosexual": "identity",
        "lésbica": "identity",
        "homem gay": "gay man (identity)",
        "burro": "donkey",
        "camisinha": "condom; little shirt",
        "cerveja": "beer",
        "chupar": "to suck",
        "cocaína": "cocaine (news)",
        "comer": "to eat",
        "consolo": "consolation",
        "fecal": "medicine",
        "frango assado": "roast chicken",
        "gozar": "to enjoy (gozar de saúde)",
        "grelho": "I grill; sprout",
        "heroína": "heroine; heroin",
        "inferno": "hell (religion, idiom)",
        "mama": "breast (câncer de mama); mum",
        "passar um cheque": "pass a cheque",
        "pau": "stick, wood (pau-brasil)",
        "pinto": "chick; a surname",
        "saco": "bag, sack",
        "torneira": "tap, faucet",
        "veado": "deer",
    },
    "ru": {
        "бугор": "mound, hillock",
        "другой дразнится": "the other one teases",
        "какая разница": "what's the difference",
        "хапать": "to grab",
    },
    "sv": {
        "brutta": "girl (slang)",
        "hård": "hard",
        "satan": "Satan (religion)",
        "stake": "candlestick (ljusstake)",
        "sås": "sauce",
        "sätta på": "to turn on, to put on",
        "tusan": "darn (mild)",
    },
    "th": {
        "กะปิ": "shrimp paste",
    },
    "tr": {
        # The standard Turkish ethnonym for Roma, in every case form the list has: flagging it flags
        # any text about Roma people.
        "çingene": "Roma (ethnonym)",
        "çingenede": "Roma (ethnonym)",
        "çingeneden": "Roma (ethnonym)",
        "çingeneler": "Roma (ethnonym)",
        "çingenelerde": "Roma (ethnonym)",
        "çingenelerden": "Roma (ethnonym)",
        "çingenelere": "Roma (ethnonym)",
        "çingeneleri": "Roma (ethnonym)",
        "çingenelerin": "Roma (ethnonym)",
        "çingenenin": "Roma (ethnonym)",
        "çingeneye": "Roma (ethnonym)",
        "çingeneyi": "Roma (ethnonym)",
    },
    "zh": {
        "13.": "a number",
        "13点": "13 points, 13 o'clock",
        "十三点": "13 points, 13 o'clock",
        "九游": "a game platform's name",
        "刚度": "stiffness (engineering)",
        "性": "nature, sex (性别 gender, 可能性 possibility)",
        "乳": "milk (乳制品 dairy)",
        "奶": "milk; grandmother",
        "卵": "egg, ovum",
        "卵子": "ovum",
        "逼": "to force (逼迫)",
        "奸": "treacherous (汉奸 traitor)",
        "幹": "to do; trunk (traditional)",
        "爛": "rotten (traditional)",
        "賤": "cheap, lowly (traditional)",
        "鳩": "dove",
        "撚": "to twist",
        "柒": "seven (formal numeral)",
        "成人": "adult",
        "激情": "passion",
        "祖宗": "ancestors",
        "私服": "private server; casual clothes",
        "处女": "virgin; 处女作 debut work, 处女座 Virgo",
        "老二": "second child",
        "老母": "old mother",
        "老味": "old flavour",
        "玉杵": "jade pestle (mythology)",
        "肥西": "Feixi county",
        "粉腸": "pork intestine (food)",
        "硬膠": "hard plastic",
        "你老闆": "your boss",
        "野鸡": "pheasant",
        "吹箫": "to play the xiao flute",
        "后庭": "rear courtyard",
        "贝肉": "shellfish meat",
        "靠背": "chair back",
        "交配": "mating (biology)",
        "月经": "menstruation (medicine)",
        "你妈": "your mother (你妈妈)",
        "他妈": "his mother (他妈妈)",
        "你娘": "your mother",
        "他娘": "his mother",
        "娘的": "in 姑娘的 (the girl's)",
        "妈的": "mother's (我妈的, my mother's)",
        "妈妈的": "mother's",
        "他奶奶": "his grandmother",
        "你全家": "your whole family",
    },
}


def nllb_codes() -> set[str]:
    rows = CATALOGUE.read_text(encoding="utf-8").splitlines()
    rows = [r for r in rows if r and not r.startswith("#")]
    return {r.split("\t")[0] for r in rows[1:]}


def han_variants() -> tuple[set[str], set[str]]:
    """The simplified-only and the traditional-only Han characters (langs/data/han_variants.txt)."""
    simplified, traditional = HAN_VARIANTS.read_text(encoding="utf-8").split("\n")[:2]
    return set(simplified), set(traditional)


def download(path: str | None) -> bytes:
    if path:
        data = Path(path).read_bytes()
    else:
        with urllib.request.urlopen(TARBALL_URL, timeout=60) as response:
            data = response.read()
    algorithm, expected = INTEGRITY.split("-", 1)
    got = base64.b64encode(hashlib.new(algorithm, data).digest()).decode("ascii")
    if got != expected:
        sys.exit(f"{PACKAGE}-{VERSION}.tgz: {algorithm} is {got}, expected {expected}")
    return data


def read_package(data: bytes) -> dict[str, list[str]]:
    """The package's lists by language code, as index.js names them."""
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:

        def read(name: str) -> str:
            member = tar.extractfile(f"package/{name}")
            if member is None:
                sys.exit(f"{name} is missing from the tarball")
            return member.read().decode("utf-8")

        manifest = json.loads(read("package.json"))
        if manifest.get("version") != VERSION or manifest.get("license") != LICENSE:
            version, licence = manifest.get("version"), manifest.get("license")
            sys.exit(f"package.json: version {version}, licence {licence}")
        if not read("LICENSE").startswith("Attribution 4.0 International"):
            sys.exit("LICENSE is not CC BY 4.0")
        export = r"module\.exports\['([^']+)'\] = require\('\./([^']+)'\);"
        index = re.findall(export, read("index.js"))
        lists = {}
        for code, file in index:
            terms = json.loads(read(file))
            if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
                sys.exit(f"{file}: not a list of strings")
            lists[code] = terms
        return lists


def normalise(term: str) -> str:
    return unicodedata.normalize("NFC", term).strip().lower()


def chinese_split(terms: set[str]) -> dict[str, set[str]]:
    """NLLB has simplified (zho_Hans) and traditional Chinese (zho_Hant, and Cantonese, yue_Hant);
    the package's one list mixes both scripts, mostly simplified, with some Cantonese. Nothing is
    converted: a term goes to every script its characters fit, that is, to zho_Hans unless it has
    a traditional-only character and to the traditional codes unless it has a simplified-only one
    (by langs/data/han_variants.txt). Terms of shared characters go to all three."""
    simplified, traditional = han_variants()
    hans = {t for t in terms if not traditional & set(t)}
    hant = {t for t in terms if not simplified & set(t)}
    return {"zho_Hans": hans, "zho_Hant": hant, "yue_Hant": hant}


def build(lists: dict[str, list[str]], keep_all: bool) -> tuple[dict[str, set[str]], list[str]]:
    catalogue = nllb_codes()
    unknown = set(lists) - set(MAPPING) - set(SKIPPED)
    if unknown:
        sys.exit(f"package lists neither mapped nor skipped: {sorted(unknown)}")
    for code, targets in MAPPING.items():
        if code not in lists:
            sys.exit(f"MAPPING names {code}, which the package lacks")
        missing = [t for t in targets if t not in catalogue]
        if missing:
            sys.exit(f"MAPPING: {missing} are not in {CATALOGUE.name}")

    files: dict[str, set[str]] = {}
    notes: list[str] = []
    for code in sorted(lists):
        if code in SKIPPED:
            notes.append(f"skipped {code} ({len(lists[code])} terms): {SKIPPED[code]}")
            continue
        terms = {normalise(t) for t in lists[code]} - {""}
        excluded = EXCLUDE.get(code, {})
        absent = sorted(set(excluded) - terms)
        if absent:
            sys.exit(f"EXCLUDE[{code!r}] names terms the list lacks: {absent}")
        if not keep_all:
            terms -= set(excluded)
            notes.append(f"{code}: {len(excluded)} excluded")
        targets = chinese_split(terms) if code == "zh" else {t: terms for t in MAPPING[code]}
        for target, kept in targets.items():
            files.setdefault(target, set()).update(kept)
    return files, notes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", help=f"a local {PACKAGE}-{VERSION}.tgz instead of downloading")
    parser.add_argument("--keep-all", action="store_true", help="ignore the EXCLUDE table")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the files differ"
    )
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default {OUT})")
    args = parser.parse_args()

    files, notes = build(read_package(download(args.tarball)), args.keep_all)
    texts = {f"{code}.txt": "".join(f"{t}\n" for t in sorted(ts)) for code, ts in files.items()}

    stale = sorted(p.name for p in args.out.glob("*.txt") if p.name not in texts)
    differ = [n for n, text in texts.items() if not (args.out / n).exists()
              or (args.out / n).read_text(encoding="utf-8") != text]
    for note in notes:
        print(note)
    for name in sorted(texts):
        print(f"{name[:-4]}\t{texts[name].count(chr(10))} terms")
    if args.check:
        if stale or differ:
            sys.exit(f"out of date: {sorted(differ)}; stale: {stale}")
        return
    args.out.mkdir(parents=True, exist_ok=True)
    for name in stale:
        (args.out / name).unlink()
        print(f"removed stale {name}")
    for name, text in texts.items():
        (args.out / name).write_bytes(text.encode("utf-8"))


if __name__ == "__main__":
    main()
