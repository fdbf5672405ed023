#!/usr/bin/env python3
"""Generate a synthetic DfE "Get Information about Schools" (GIAS) extract.

The output has the full 139-column header of the real establishment extract
(edubasealldata*.csv), in the same order, and is written like the real file:
Windows-1252 (cp1252), CRLF line ends, every field quoted except the numeric
columns the real file leaves bare (URN, ages, capacity, UKPRN, ...), dates
dd-mm-yyyy, coded fields as "X (code)" / "X (name)". Columns the service does
not use are filled with the usual "Not applicable" values or left empty.
All data are invented; output depends only on the options (default seed 937).

  --warwickshire (default)  LA 937 Warwickshire, exactly 240 establishments:
                            197 primary, 3 nursery, 36 secondary, 4 special,
                            over the five districts E07000218..E07000222.
  --national N              N (up to 100000) establishments over 150 LA
                            codes (937 among them), about 80% primary, 15%
                            secondary, 5% special, unique URNs in
                            150000..899999: for load benchmarks.

Usage: python3 tools/gen_gias.py [--warwickshire | --national N]
                                 [--seed N] [--out FILE]
"""
import argparse
import datetime
import random
import sys
import unicodedata

HEADER = (
    "URN|LA (code)|LA (name)|EstablishmentNumber|EstablishmentName|"
    "TypeOfEstablishment (code)|TypeOfEstablishment (name)|"
    "EstablishmentTypeGroup (code)|EstablishmentTypeGroup (name)|"
    "EstablishmentStatus (code)|EstablishmentStatus (name)|"
    "ReasonEstablishmentOpened (code)|ReasonEstablishmentOpened (name)|"
    "OpenDate|ReasonEstablishmentClosed (code)|"
    "ReasonEstablishmentClosed (name)|CloseDate|PhaseOfEducation (code)|"
    "PhaseOfEducation (name)|StatutoryLowAge|StatutoryHighAge|"
    "Boarders (code)|Boarders (name)|NurseryProvision (name)|"
    "OfficialSixthForm (code)|OfficialSixthForm (name)|Gender (code)|"
    "Gender (name)|ReligiousCharacter (code)|ReligiousCharacter (name)|"
    "ReligiousEthos (name)|Diocese (code)|Diocese (name)|"
    "AdmissionsPolicy (code)|AdmissionsPolicy (name)|SchoolCapacity|"
    "SpecialClasses (code)|SpecialClasses (name)|CensusDate|"
    "NumberOfPupils|NumberOfBoys|NumberOfGirls|PercentageFSM|"
    "TrustSchoolFlag (code)|TrustSchoolFlag (name)|Trusts (code)|"
    "Trusts (name)|SchoolSponsorFlag (name)|SchoolSponsors (name)|"
    "FederationFlag (name)|Federations (code)|Federations (name)|UKPRN|"
    "FEHEIdentifier|FurtherEducationType (name)|OfstedLastInsp|"
    "OfstedSpecialMeasures (code)|OfstedSpecialMeasures (name)|"
    "LastChangedDate|Street|Locality|Address3|Town|County (name)|"
    "Postcode|SchoolWebsite|TelephoneNum|HeadTitle (name)|HeadFirstName|"
    "HeadLastName|HeadPreferredJobTitle|BSOInspectorateName (name)|"
    "InspectorateReport|DateOfLastInspectionVisit|NextInspectionVisit|"
    "TeenMoth (name)|TeenMothPlaces|CCF (name)|SENPRU (name)|EBD (name)|"
    "PlacesPRU|FTProv (name)|EdByOther (name)|Section41Approved (name)|"
    "SEN1 (name)|SEN2 (name)|SEN3 (name)|SEN4 (name)|SEN5 (name)|"
    "SEN6 (name)|SEN7 (name)|SEN8 (name)|SEN9 (name)|SEN10 (name)|"
    "SEN11 (name)|SEN12 (name)|SEN13 (name)|"
    "TypeOfResourcedProvision (name)|ResourcedProvisionOnRoll|"
    "ResourcedProvisionCapacity|SenUnitOnRoll|SenUnitCapacity|GOR (code)|"
    "GOR (name)|DistrictAdministrative (code)|"
    "DistrictAdministrative (name)|AdministrativeWard (code)|"
    "AdministrativeWard (name)|ParliamentaryConstituency (code)|"
    "ParliamentaryConstituency (name)|UrbanRural (code)|"
    "UrbanRural (name)|GSSLACode (name)|Easting|Northing|"
    "CensusAreaStatisticWard (name)|MSOA (name)|LSOA (name)|"
    "InspectorateName (name)|SENStat|SENNoStat|"
    "BoardingEstablishment (name)|PropsName|PreviousLA (code)|"
    "PreviousLA (name)|PreviousEstablishmentNumber|OfstedRating (name)|"
    "RSCRegion (name)|Country (name)|UPRN|SiteName|QABName (code)|"
    "QABName (name)|EstablishmentAccredited (code)|"
    "EstablishmentAccredited (name)|QABReport|CHNumber|MSOA (code)|"
    "LSOA (code)").split("|")
assert len(HEADER) == 139
# Columns the real extract writes without quotes when they hold a number.
UNQUOTED = {"URN", "StatutoryLowAge", "StatutoryHighAge", "SchoolCapacity",
            "UKPRN", "Easting", "Northing", "SENStat", "SENNoStat"}

NA = "Not applicable"
DEFAULTS = {
    "ReasonEstablishmentOpened (code)": "00", "ReasonEstablishmentOpened (name)": NA,
    "ReasonEstablishmentClosed (code)": "00", "ReasonEstablishmentClosed (name)": NA,
    "Boarders (code)": "1", "Boarders (name)": "No boarders",
    "Gender (code)": "3", "Gender (name)": "Mixed",
    "AdmissionsPolicy (code)": "0", "AdmissionsPolicy (name)": NA,
    "SpecialClasses (code)": "2", "SpecialClasses (name)": "No Special Classes",
    "CensusDate": "16-01-2020",
    "TrustSchoolFlag (code)": "0", "TrustSchoolFlag (name)": NA,
    "SchoolSponsorFlag (name)": NA, "FederationFlag (name)": "Not under a federation",
    "FurtherEducationType (name)": NA,
    "OfstedSpecialMeasures (code)": "0", "OfstedSpecialMeasures (name)": NA,
    "HeadPreferredJobTitle": "Headteacher", "BSOInspectorateName (name)": NA,
    "TeenMoth (name)": NA, "CCF (name)": NA, "SENPRU (name)": NA, "EBD (name)": NA,
    "EdByOther (name)": NA, "Section41Approved (name)": NA,
    "PreviousLA (code)": "999", "QABName (code)": "0", "QABName (name)": NA,
    "EstablishmentAccredited (code)": "0", "EstablishmentAccredited (name)": NA,
}
TYPES = {  # code: (name, group code)
    "01": ("Community school", "4"), "02": ("Voluntary aided school", "4"),
    "03": ("Voluntary controlled school", "4"), "05": ("Foundation school", "4"),
    "07": ("Community special school", "5"), "11": ("Other independent school", "3"),
    "15": ("Local authority nursery school", "4"), "28": ("Academy converter", "10"),
    "34": ("Academy sponsor led", "10"), "35": ("Free schools", "11")}
GROUPS = {"3": "Independent schools", "4": "Local authority maintained schools",
          "5": "Special schools", "10": "Academies", "11": "Free Schools"}
PHASES = {"0": NA, "1": "Nursery", "2": "Primary", "4": "Secondary"}
STATUSES = {"1": "Open", "4": "Open, but proposed to close"}
URBAN_RURAL = {"C": ("C1", "(England/Wales) Urban city and town"),
               "D": ("D1", "(England/Wales) Rural town and fringe"),
               "E": ("E1", "(England/Wales) Rural village")}
FAITH = {  # ReligiousCharacter code, name, diocese (code left empty: not known)
    "": ("00", "Does not apply", "Does not apply", "0000", NA),
    "CofE": ("02", "Church of England", "Church of England", "", "Diocese of Coventry"),
    "RC": ("03", "Roman Catholic", "Roman Catholic", "", "Archdiocese of Birmingham")}

# district code, name, (primary, nursery, secondary, special), centre E/N, places
# place = "Place|post town|postcode district|C urban, D small town, E village"
DISTRICTS = [
    ("E07000218", "North Warwickshire", (30, 0, 5, 0), (427000, 295000),
     "Atherstone|Atherstone|CV9|D;Mancetter|Atherstone|CV9|E;Coleshill|Birmingham|B46|D;"
     "Water Orton|Birmingham|B46|E;Polesworth|Tamworth|B78|D;Dordon|Tamworth|B78|E;"
     "Kingsbury|Tamworth|B78|E;Hartshill|Nuneaton|CV10|E;Ansley|Nuneaton|CV10|E;"
     "Baddesley Ensor|Atherstone|CV9|E;Grendon|Atherstone|CV9|E;Austrey|Atherstone|CV9|E;"
     "Newton Regis|Tamworth|B79|E;Warton|Tamworth|B79|E;Shustoke|Birmingham|B46|E;"
     "Fillongley|Coventry|CV7|E;Arley|Coventry|CV7|E;Curdworth|Sutton Coldfield|B76|E;"
     "Hurley|Atherstone|CV9|E;Wood End|Atherstone|CV9|E"),
    ("E07000219", "Nuneaton and Bedworth", (45, 1, 8, 1), (436000, 290000),
     "Nuneaton|Nuneaton|CV11|C;Attleborough|Nuneaton|CV11|C;Stockingford|Nuneaton|CV10|C;"
     "Camp Hill|Nuneaton|CV10|C;Chilvers Coton|Nuneaton|CV11|C;Whitestone|Nuneaton|CV11|C;"
     "Weddington|Nuneaton|CV10|C;Galley Common|Nuneaton|CV10|C;Hill Top|Nuneaton|CV10|C;"
     "St Nicolas Park|Nuneaton|CV11|C;Arbury|Nuneaton|CV10|C;Caldwell|Nuneaton|CV11|C;"
     "Horeston Grange|Nuneaton|CV11|C;Milby|Nuneaton|CV11|C;Robinson's End|Nuneaton|CV10|C;"
     "Bedworth|Bedworth|CV12|C;Collycroft|Bedworth|CV12|C;Goodyers End|Bedworth|CV12|C;"
     "Mount Pleasant|Bedworth|CV12|C;Bulkington|Bedworth|CV12|D;Exhall|Coventry|CV7|C;"
     "Ash Green|Coventry|CV7|C"),
    ("E07000220", "Rugby", (41, 1, 7, 1), (450000, 274000),
     "Rugby|Rugby|CV21|C;Bilton|Rugby|CV22|C;Hillmorton|Rugby|CV21|C;Brownsover|Rugby|CV21|C;"
     "Newbold-on-Avon|Rugby|CV21|C;Overslade|Rugby|CV22|C;New Bilton|Rugby|CV22|C;"
     "Cawston|Rugby|CV22|C;Long Lawford|Rugby|CV23|E;Dunchurch|Rugby|CV22|E;"
     "Wolston|Coventry|CV8|E;Ryton-on-Dunsmore|Coventry|CV8|E;Brinklow|Rugby|CV23|E;"
     "Clifton-upon-Dunsmore|Rugby|CV23|E;Binley Woods|Coventry|CV3|E;"
     "Stretton-on-Dunsmore|Rugby|CV23|E;Monks Kirby|Rugby|CV23|E;"
     "Bourton on Dunsmore|Rugby|CV23|E;Harborough Magna|Rugby|CV23|E;Marton|Rugby|CV23|E"),
    ("E07000221", "Stratford-on-Avon", (45, 0, 9, 1), (420000, 252000),
     "Stratford-upon-Avon|Stratford-upon-Avon|CV37|C;Alcester|Alcester|B49|D;"
     "Shipston-on-Stour|Shipston-on-Stour|CV36|D;Southam|Southam|CV47|D;"
     "Wellesbourne|Warwick|CV35|D;Studley|Studley|B80|D;Kineton|Warwick|CV35|D;"
     "Henley-in-Arden|Henley-in-Arden|B95|D;Bidford-on-Avon|Alcester|B50|D;"
     "Harbury|Leamington Spa|CV33|E;Long Itchington|Southam|CV47|E;"
     "Snitterfield|Stratford-upon-Avon|CV37|E;Tysoe|Warwick|CV35|E;"
     "Welford-on-Avon|Stratford-upon-Avon|CV37|E;Quinton|Stratford-upon-Avon|CV37|E;"
     "Tredington|Shipston-on-Stour|CV36|E;Fenny Compton|Southam|CV47|E;"
     "Napton-on-the-Hill|Southam|CV47|E;Stockton|Southam|CV47|E;"
     "Bishops Itchington|Southam|CV47|E;Claverdon|Warwick|CV35|E;"
     "Tanworth-in-Arden|Solihull|B94|E;Wootton Wawen|Henley-in-Arden|B95|E;"
     "Ilmington|Shipston-on-Stour|CV36|E;Long Compton|Shipston-on-Stour|CV36|E;"
     "Great Alne|Alcester|B49|E"),
    ("E07000222", "Warwick", (36, 1, 7, 1), (430000, 266000),
     "Warwick|Warwick|CV34|C;Leamington Spa|Leamington Spa|CV32|C;Kenilworth|Kenilworth|CV8|C;"
     "Whitnash|Leamington Spa|CV31|C;Lillington|Leamington Spa|CV32|C;"
     "Sydenham|Leamington Spa|CV31|C;Brunswick|Leamington Spa|CV31|C;"
     "Milverton|Leamington Spa|CV32|C;Heathcote|Warwick|CV34|C;Woodloes|Warwick|CV34|C;"
     "Emscote|Warwick|CV34|C;Chase Meadow|Warwick|CV34|C;Lapworth|Solihull|B94|E;"
     "Hampton Magna|Warwick|CV35|E;Radford Semele|Leamington Spa|CV31|E;"
     "Cubbington|Leamington Spa|CV32|E;Bishop's Tachbrook|Leamington Spa|CV33|E;"
     "Barford|Warwick|CV35|E;Budbrooke|Warwick|CV35|E;Burton Green|Kenilworth|CV8|E;"
     "Leek Wootton|Warwick|CV35|E"),
]
# Fixed schools (district, phase, type, place, name): non-ASCII cp1252 names.
FIXED = [
    ("E07000219", "2", "02", "Chilvers Coton", "St Thérèse of Lisieux Catholic Primary School"),
    ("E07000222", "2", "02", "Cubbington", "Our Lady and St Teresa’s Catholic Primary School"),
    ("E07000221", "4", "02", "Alcester", "St Benedict’s Catholic High School"),
    ("E07000219", "4", "34", "Nuneaton", "Nuneaton Academy"),
]
# (pattern, faith) per (phase, type); {p} place, {s} saint.
SECULAR_P = [("{p} Primary School", ""), ("{p} Community Primary School", ""),
             ("{p} Infant School", ""), ("{p} Junior School", "")]
COFE_P = [("{p} CofE Primary School", "CofE"), ("{p} Church of England Primary School", "CofE"),
          ("St {s}'s CofE Primary School, {p}", "CofE"), ("{p} St {s}'s CofE Primary School", "CofE")]
RC_P = [("St {c}'s Catholic Primary School, {p}", "RC"), ("Our Lady's Catholic Primary School, {p}", "RC"),
        ("English Martyrs Catholic Primary School, {p}", "RC")]
SEC = [("{p} School", ""), ("{p} High School", ""), ("{p} College", "")]
PATTERNS = {
    ("2", "01"): SECULAR_P, ("2", "05"): SECULAR_P[:1], ("2", "03"): COFE_P,
    ("2", "02"): COFE_P[2:] + RC_P, ("2", "28"): SECULAR_P + COFE_P,
    ("2", "34"): [("{p} Primary Academy", "")], ("2", "35"): [("{p} Free School", "")],
    ("4", "01"): SEC, ("4", "05"): SEC, ("4", "28"): SEC + [("{p} Grammar School", "")],
    ("4", "02"): [("St {c}'s Catholic High School, {p}", "RC")],
    ("4", "34"): [("{p} Academy", "")], ("4", "35"): [("{p} Free School", "")],
    ("1", "15"): [("{p} Nursery School", "")],
    ("0", "07"): [("{p} Grange School", ""), ("{p} Specialist School", ""), ("{p} Oaks School", "")],
}
SAINTS = "Mary Michael John Peter Nicholas Andrew James Laurence Giles Margaret Matthew Chad".split()
RC_SAINTS = "Joseph Anne Francis Augustine Patrick Gregory Edward Anthony".split()
FEMALE = "Sarah Helen Claire Emma Rachel Joanne Karen Louise Zoë Siân Renée Nicola Amanda Priya Catherine Fiona".split()
MALE = "James David Mark Paul Andrew Richard Stephen Michael Gareth Simon Jonathan Imran Neil Tom".split()
SURNAMES = ("Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson "
            "Evans Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan O’Neill "
            "O'Brien Hughes Edwards Lewis Harris Martin Cooper Ward Morris Bennett").split()
STREETS = "Church School Manor Station Park Mill Orchard Victoria Coventry Warwick Priory Abbey Meadow Oak Elm".split()
STD = {"Nuneaton": "0247", "Bedworth": "0247", "Coventry": "0247", "Rugby": "01788",
       "Stratford-upon-Avon": "01789", "Alcester": "01789", "Atherstone": "01827",
       "Tamworth": "01827", "Birmingham": "01675", "Shipston-on-Stour": "01608",
       "Studley": "01527", "Solihull": "01564", "Henley-in-Arden": "01564",
       "Sutton Coldfield": "0121"}
RATINGS = [("Outstanding", 34), ("Good", 155), ("Requires improvement", 34),
           ("Inadequate", 6), ("Serious Weaknesses", 4), ("Special Measures", 4)]


def dmy(d):
    return d.strftime("%d-%m-%Y")


def rand_date(rng, start, end):
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def make_row(**fields):
    """A full 139-column row: defaults, the given fields, names of codes."""
    row = dict.fromkeys(HEADER, "")
    row.update(DEFAULTS)
    row.update(fields)
    t = row["TypeOfEstablishment (code)"]
    if t in TYPES:
        row["TypeOfEstablishment (name)"], row["EstablishmentTypeGroup (code)"] = TYPES[t]
        row["EstablishmentTypeGroup (name)"] = GROUPS[TYPES[t][1]]
    row["PhaseOfEducation (name)"] = PHASES.get(row["PhaseOfEducation (code)"], "")
    row["EstablishmentStatus (name)"] = STATUSES.get(row["EstablishmentStatus (code)"], "")
    return row


def school(rng, la, la_name, phase, tcode, name, place, faith=""):
    """One establishment's row; place = (place, post town, postcode district, urban)."""
    pl, town, pc, ur = place
    low, high = {"1": (2, 5), "2": (4, 11), "4": (11, 18), "0": (2, 19)}[phase]
    if phase == "2" and "Infant" in name:
        high = 7
    if phase == "2" and "Junior" in name:
        low = 7
    elif phase == "2" and rng.random() < 0.4:
        low = 3
    if phase == "4" and rng.random() < 0.3:
        high = 16
    if phase == "0":
        low = rng.choice([2, 4, 11])
    lo, hi = {"1": (40, 120), "2": (40, 650), "4": (600, 1800), "0": (60, 250)}[phase]
    pupils = rng.randint(lo, hi)
    boys = round(pupils * rng.uniform(0.46, 0.54))
    rc, rc_name, ethos, dio, dio_name = FAITH[faith]
    female = rng.random() < 0.65
    first = rng.choice(FEMALE if female else MALE)
    title = (rng.choices(["Mrs", "Miss", "Ms", "Dr"], [45, 25, 25, 5]) if female
             else rng.choices(["Mr", "Dr"], [95, 5]))[0]
    slug = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = "".join(c for c in slug.lower() if c.isalnum())[:30]
    std = STD.get(town, "01926")
    phone = std + "".join(str(rng.randint(0, 9)) for _ in range(11 - len(std)))
    return make_row(**{
        "LA (code)": str(la), "LA (name)": la_name, "EstablishmentName": name,
        "TypeOfEstablishment (code)": tcode, "EstablishmentStatus (code)": "1",
        "PhaseOfEducation (code)": phase, "StatutoryLowAge": str(low),
        "StatutoryHighAge": str(high),
        "NurseryProvision (name)": "Has Nursery Classes" if low <= 3 and phase in "12"
        else "No Nursery Classes",
        "OfficialSixthForm (code)": "1" if high > 16 and phase == "4" else "2",
        "OfficialSixthForm (name)": "Has a sixth form" if high > 16 and phase == "4"
        else "Does not have a sixth form",
        "ReligiousCharacter (code)": rc, "ReligiousCharacter (name)": rc_name,
        "ReligiousEthos (name)": ethos, "Diocese (code)": dio, "Diocese (name)": dio_name,
        "SchoolCapacity": str(round(pupils * rng.uniform(0.95, 1.2))),
        "NumberOfPupils": str(pupils), "NumberOfBoys": str(boys),
        "NumberOfGirls": str(pupils - boys),
        "PercentageFSM": "%.1f" % rng.uniform(2, 35),
        "LastChangedDate": dmy(rand_date(rng, datetime.date(2020, 6, 1), datetime.date(2021, 4, 30))),
        "Street": "%s %s" % (rng.choice(STREETS), rng.choice(["Road", "Lane", "Street", "Close"])),
        "Locality": pl if pl != town else "", "Town": town,
        "Postcode": "%s %d%s" % (pc, rng.randint(0, 9),
                                 "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))),
        "SchoolWebsite": "www.%s.org.uk" % slug, "TelephoneNum": phone,
        "HeadTitle (name)": title, "HeadFirstName": first,
        "HeadLastName": rng.choice(SURNAMES),
        "SEN1 (name)": rng.choice(["SLD - Severe Learning Difficulty",
                                   "MLD - Moderate Learning Difficulty",
                                   "ASD - Autistic Spectrum Disorder"]) if phase == "0" else "",
        "UrbanRural (code)": URBAN_RURAL[ur][0], "UrbanRural (name)": URBAN_RURAL[ur][1],
    })


def warwickshire(rng):
    """The 240 establishments of LA 937, without URNs and numbers yet."""
    slots = []  # (district index, phase, type, place or None, name or None)
    for d, (_, _, counts, _, _) in enumerate(DISTRICTS):
        for phase, n in zip("2140", counts):
            slots += [[d, phase, None, None, None] for _ in range(n)]
    types = {"2": ["01"] * 78 + ["03"] * 24 + ["02"] * 18 + ["05"] * 6 + ["28"] * 50
             + ["34"] * 17 + ["35"] * 4,
             "4": ["28"] * 20 + ["34"] * 5 + ["01"] * 4 + ["05"] * 3 + ["02"] * 2 + ["35"] * 2,
             "1": ["15"] * 3, "0": ["07"] * 4}
    for dcode, phase, tcode, pl, name in FIXED:
        d = [x[0] for x in DISTRICTS].index(dcode)
        slot = next(s for s in slots if s[:3] == [d, phase, None])
        slot[2:] = [tcode, pl, name]
        types[phase].remove(tcode)
    rng.shuffle(slots)
    for s in slots:
        if s[2] is None:
            s[2] = types[s[1]].pop(rng.randrange(len(types[s[1]])))
    used = {s[4] for s in slots if s[4]}
    uses = {}  # schools per place so far: spread schools over the places
    out = []
    for d, phase, tcode, pl, name in slots:
        dcode, dname, _, (e, n), places = DISTRICTS[d]
        places = [p.split("|") for p in places.split(";")]
        # secondaries and specials are in towns, unless the towns' names run out
        towns = [p for p in places if p[3] in "CD"] if phase in "40" else places
        faith = "RC" if name and "Catholic" in name else ""
        place = next((p for p in places if p[0] == pl), None)
        tries = 0
        while name is None:
            tries += 1
            pool = towns if tries < 50 else places
            least = min(uses.get(p[0], 0) for p in pool)
            place = rng.choice([p for p in pool if uses.get(p[0], 0) == least or tries > 10])
            pat, faith = rng.choice(PATTERNS[(phase, tcode)])
            cand = pat.format(p=place[0], s=rng.choice(SAINTS), c=rng.choice(RC_SAINTS))
            name = cand if cand not in used else None
        used.add(name)
        uses[place[0]] = uses.get(place[0], 0) + 1
        row = school(rng, 937, "Warwickshire", phase, tcode, name, place, faith)
        row.update({"DistrictAdministrative (code)": dcode, "DistrictAdministrative (name)": dname,
                    "County (name)": "Warwickshire", "GOR (code)": "F", "GOR (name)": "West Midlands",
                    "GSSLACode (name)": "E10000031", "RSCRegion (name)": "West Midlands",
                    "Easting": str(e + rng.randint(-6000, 6000)),
                    "Northing": str(n + rng.randint(-6000, 6000)),
                    "MSOA (name)": "%s %03d" % (dname, rng.randint(1, 18))})
        out.append(row)
    return out


def finish(rng, rows, urn_range):
    """URNs (ascending, unique), establishment numbers, Ofsted, status, ids."""
    urns = sorted(rng.sample(range(*urn_range), len(rows)))
    ukprns = rng.sample(range(10000000, 10100000), len(rows))
    uprns = rng.sample(range(100070000000, 100079999999), len(rows))
    nexts = {}
    first = {"1": 1001, "2": 2001, "4": 4001, "0": 7001}
    for row, urn, ukprn, uprn in zip(rows, urns, ukprns, uprns):
        key = (row["LA (code)"], row["PhaseOfEducation (code)"])
        nexts[key] = nexts.get(key, first[key[1]] - 1) + 1
        assert nexts[key] % 1000 < 999, "too many schools of one phase in one LA"
        row.update({"URN": str(urn), "EstablishmentNumber": str(nexts[key]),
                    "UKPRN": str(ukprn), "UPRN": str(uprn)})
    # three newest free schools are not yet inspected; the rest get ratings
    free = [r for r in rows if r["TypeOfEstablishment (code)"] == "35"][:3]
    for r in free:
        r["OpenDate"] = "01-09-2019"
    rated = [r for r in rows if not any(r is f for f in free)]
    total = sum(n for _, n in RATINGS)
    grades = [g for g, n in RATINGS for _ in range(round(n * len(rated) / total))]
    grades += ["Good"] * (len(rated) - len(grades))
    rng.shuffle(grades)
    for r, g in zip(rated, grades):
        start = datetime.date(2012, 1, 1)
        if r["TypeOfEstablishment (code)"] in ("28", "34", "35"):
            opened = rand_date(rng, datetime.date(2011, 1, 1), datetime.date(2018, 12, 1))
            opened = opened.replace(day=1)
            if r["TypeOfEstablishment (code)"] == "35":  # free schools open in September
                opened = opened.replace(year=max(opened.year, 2012), month=9)
            r["OpenDate"] = dmy(opened)
            start = max(start, opened + datetime.timedelta(days=120))
        r["OfstedLastInsp"] = dmy(rand_date(rng, start, datetime.date(2020, 3, 13)))
        r["OfstedRating (name)"] = g
        if g == "Special Measures":
            r["OfstedSpecialMeasures (code)"], r["OfstedSpecialMeasures (name)"] = "1", "In special measures"
    closing = [r for r in rows if r["TypeOfEstablishment (code)"] == "01"
               and r["PhaseOfEducation (code)"] == "2"]
    for r in rng.sample(closing, min(2, len(closing))):
        r["EstablishmentStatus (code)"] = "4"
        r["EstablishmentStatus (name)"] = STATUSES["4"]
    return rows


def national(rng, n):
    """n establishments over 150 LA codes in 201..938, 937 among them."""
    codes = (list(range(201, 214)) + list(range(301, 321)) + list(range(330, 345))
             + list(range(350, 360)) + list(range(370, 374)) + list(range(380, 395))
             + list(range(800, 897)) + list(range(908, 937)) + [938])
    las = sorted(rng.sample(codes, 149) + [937])
    weights = [rng.uniform(0.5, 2.0) for _ in las]
    words = ("Oakfield Westfield Brookside Hillside Greenfield Meadowbank Ashgrove Kingsway "
             "Parkside Riverside Highfield Elmwood Fairfield Springfield Beechwood Northgate "
             "Southfields Millbrook Woodlands Churchill Moorland Valley Castle Priory").split()
    kinds = [("2", ["01", "01", "03", "02", "28", "28", "34"], SECULAR_P + COFE_P),
             ("4", ["28", "28", "34", "01", "05", "35"], SEC + [("{p} Academy", "")]),
             ("0", ["07"], PATTERNS[("0", "07")])]
    rows = []
    for la in rng.choices(las, weights, k=n):
        phase, types, pats = rng.choices(kinds, [80, 15, 5])[0]
        pat, faith = rng.choice(pats)
        name = pat.format(p=rng.choice(words), s=rng.choice(SAINTS), c="")
        la_name = "Warwickshire" if la == 937 else "Local Authority %d" % la
        place = (rng.choice(words), la_name, "ZZ%d" % rng.randint(1, 99), rng.choice("CDE"))
        rows.append(school(rng, la, la_name, phase, rng.choice(types), name, place, faith))
    return rows


def write_csv(stream, rows):
    """Write header and rows as the real extract does: cp1252, CRLF."""
    bare = [c in UNQUOTED for c in HEADER]

    def line(values, bare):
        return ",".join(v if b and v.isdigit() else '"' + v.replace('"', '""') + '"'
                        for v, b in zip(values, bare))
    lines = [line(HEADER, [False] * len(HEADER))]
    lines += [line([r[c] for c in HEADER], bare) for r in rows]
    stream.write(("\r\n".join(lines) + "\r\n").encode("cp1252"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--warwickshire", action="store_true", help="LA 937 demo set (default)")
    mode.add_argument("--national", type=int, metavar="N", help="N schools over 150 LAs")
    ap.add_argument("--seed", type=int, default=937, help="random seed (default 937)")
    ap.add_argument("--out", help="output file (default stdout)")
    ap.add_argument("--urn-start", type=int, metavar="U",
                    help="with --national: consecutive URNs from U (for benchmarks)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    if args.national is not None:
        if not 1 <= args.national <= 100000:
            ap.error("--national N: N must be between 1 and 100000")
        # URNs clear of the demo set (125000..149999) and test fixtures (9000xx)
        urns = (150000, 900000)
        if args.urn_start is not None:
            if not 150000 <= args.urn_start <= 900000 - args.national:
                ap.error("--urn-start U: U..U+N-1 must lie within 150000..899999")
            urns = (args.urn_start, args.urn_start + args.national)
        rows = finish(rng, national(rng, args.national), urns)
    else:
        rows = finish(rng, warwickshire(rng), (125000, 150000))
    if args.out:
        with open(args.out, "wb") as f:
            write_csv(f, rows)
    else:
        write_csv(sys.stdout.buffer, rows)


if __name__ == "__main__":
    main()
