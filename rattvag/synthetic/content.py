"""Fixed lists the synthetic data draws from: municipalities, names, places, diagnoses and texts.

Everything here is plain data (no database, no randomness). docs/synthetic-data.md says where
the proportions come from. The people are invented; the municipalities and counties are real,
with populations in thousands rounded from SCB's figures for 2023 (approximate: they only set
the relative sizes).
"""

from __future__ import annotations

# --- municipalities -------------------------------------------------------------------------
# (county code, county name, region that runs healthcare, postal-code prefix (first two digits))
COUNTIES: dict[str, tuple[str, str, str]] = {
    "01": ("Stockholms län", "Region Stockholm", "1"),
    "03": ("Uppsala län", "Region Uppsala", "75"),
    "04": ("Södermanlands län", "Region Sörmland", "63"),
    "05": ("Östergötlands län", "Region Östergötland", "58"),
    "06": ("Jönköpings län", "Region Jönköpings län", "55"),
    "07": ("Kronobergs län", "Region Kronoberg", "35"),
    "08": ("Kalmar län", "Region Kalmar län", "39"),
    "09": ("Gotlands län", "Region Gotland", "62"),
    "10": ("Blekinge län", "Region Blekinge", "37"),
    "12": ("Skåne län", "Region Skåne", "2"),
    "13": ("Hallands län", "Region Halland", "30"),
    "14": ("Västra Götalands län", "Västra Götalandsregionen", "4"),
    "17": ("Värmlands län", "Region Värmland", "65"),
    "18": ("Örebro län", "Region Örebro län", "70"),
    "19": ("Västmanlands län", "Region Västmanland", "72"),
    "20": ("Dalarnas län", "Region Dalarna", "78"),
    "21": ("Gävleborgs län", "Region Gävleborg", "80"),
    "22": ("Västernorrlands län", "Region Västernorrland", "85"),
    "23": ("Jämtlands län", "Region Jämtland Härjedalen", "83"),
    "24": ("Västerbottens län", "Region Västerbotten", "90"),
    "25": ("Norrbottens län", "Region Norrbotten", "95"),
}

# (municipality code, name, population in thousands). The first two digits are the county.
MUNICIPALITIES: tuple[tuple[str, str, int], ...] = (
    ("0114", "Upplands Väsby", 48), ("0115", "Vallentuna", 34), ("0117", "Österåker", 47),
    ("0120", "Värmdö", 46), ("0123", "Järfälla", 84), ("0125", "Ekerö", 29), ("0126", "Huddinge", 115),
    ("0127", "Botkyrka", 97), ("0128", "Salem", 17), ("0136", "Haninge", 96), ("0138", "Tyresö", 49),
    ("0139", "Upplands-Bro", 30), ("0140", "Nykvarn", 11), ("0160", "Täby", 74), ("0162", "Danderyd", 33),
    ("0163", "Sollentuna", 75), ("0180", "Stockholm", 985), ("0181", "Södertälje", 101), ("0182", "Nacka", 108),
    ("0183", "Sundbyberg", 54), ("0184", "Solna", 85), ("0186", "Lidingö", 48), ("0187", "Vaxholm", 12),
    ("0188", "Norrtälje", 63), ("0191", "Sigtuna", 50), ("0192", "Nynäshamn", 29),
    ("0305", "Håbo", 22), ("0319", "Älvkarleby", 9), ("0330", "Knivsta", 20), ("0331", "Heby", 14),
    ("0360", "Tierp", 21), ("0380", "Uppsala", 240), ("0381", "Enköping", 47), ("0382", "Östhammar", 22),
    ("0428", "Vingåker", 9), ("0461", "Gnesta", 11), ("0480", "Nyköping", 58), ("0481", "Oxelösund", 12),
    ("0482", "Flen", 17), ("0483", "Katrineholm", 35), ("0484", "Eskilstuna", 107), ("0486", "Strängnäs", 38),
    ("0488", "Trosa", 14),
    ("0509", "Ödeshög", 5), ("0512", "Ydre", 4), ("0513", "Kinda", 10), ("0560", "Boxholm", 5),
    ("0561", "Åtvidaberg", 12), ("0562", "Finspång", 22), ("0563", "Valdemarsvik", 8), ("0580", "Linköping", 167),
    ("0581", "Norrköping", 145), ("0582", "Söderköping", 15), ("0583", "Motala", 44), ("0584", "Vadstena", 7),
    ("0586", "Mjölby", 28),
    ("0604", "Aneby", 7), ("0617", "Gnosjö", 10), ("0642", "Mullsjö", 7), ("0643", "Habo", 12),
    ("0662", "Gislaved", 30), ("0665", "Vaggeryd", 14), ("0680", "Jönköping", 144), ("0682", "Nässjö", 31),
    ("0683", "Värnamo", 35), ("0684", "Sävsjö", 11), ("0685", "Vetlanda", 27), ("0686", "Eksjö", 17),
    ("0687", "Tranås", 19),
    ("0760", "Uppvidinge", 9), ("0761", "Lessebo", 9), ("0763", "Tingsryd", 12), ("0764", "Alvesta", 20),
    ("0765", "Älmhult", 18), ("0767", "Markaryd", 10), ("0780", "Växjö", 96), ("0781", "Ljungby", 28),
    ("0821", "Högsby", 6), ("0834", "Torsås", 7), ("0840", "Mörbylånga", 15), ("0860", "Hultsfred", 14),
    ("0861", "Mönsterås", 13), ("0862", "Emmaboda", 9), ("0880", "Kalmar", 71), ("0881", "Nybro", 20),
    ("0882", "Oskarshamn", 27), ("0883", "Västervik", 36), ("0884", "Vimmerby", 15), ("0885", "Borgholm", 11),
    ("0980", "Gotland", 61),
    ("1060", "Olofström", 13), ("1080", "Karlskrona", 67), ("1081", "Ronneby", 30), ("1082", "Karlshamn", 32),
    ("1083", "Sölvesborg", 17),
    ("1214", "Svalöv", 14), ("1230", "Staffanstorp", 26), ("1231", "Burlöv", 20), ("1233", "Vellinge", 37),
    ("1256", "Östra Göinge", 15), ("1257", "Örkelljunga", 10), ("1260", "Bjuv", 16), ("1261", "Kävlinge", 33),
    ("1262", "Lomma", 25), ("1263", "Svedala", 23), ("1264", "Skurup", 16), ("1265", "Sjöbo", 19),
    ("1266", "Hörby", 16), ("1267", "Höör", 17), ("1270", "Tomelilla", 13), ("1272", "Bromölla", 13),
    ("1273", "Osby", 13), ("1275", "Perstorp", 7), ("1276", "Klippan", 18), ("1277", "Åstorp", 16),
    ("1278", "Båstad", 15), ("1280", "Malmö", 357), ("1281", "Lund", 128), ("1282", "Landskrona", 46),
    ("1283", "Helsingborg", 151), ("1284", "Höganäs", 27), ("1285", "Eslöv", 34), ("1286", "Ystad", 31),
    ("1287", "Trelleborg", 46), ("1290", "Kristianstad", 87), ("1291", "Simrishamn", 19), ("1292", "Ängelholm", 43),
    ("1293", "Hässleholm", 53),
    ("1315", "Hylte", 11), ("1380", "Halmstad", 104), ("1381", "Laholm", 26), ("1382", "Falkenberg", 46),
    ("1383", "Varberg", 67), ("1384", "Kungsbacka", 85),
    ("1401", "Härryda", 39), ("1402", "Partille", 40), ("1407", "Öckerö", 13), ("1415", "Stenungsund", 27),
    ("1419", "Tjörn", 16), ("1421", "Orust", 15), ("1427", "Sotenäs", 9), ("1430", "Munkedal", 10),
    ("1435", "Tanum", 13), ("1438", "Dals-Ed", 5), ("1439", "Färgelanda", 7), ("1440", "Ale", 32),
    ("1441", "Lerum", 43), ("1442", "Vårgårda", 12), ("1443", "Bollebygd", 10), ("1444", "Grästorp", 6),
    ("1445", "Essunga", 6), ("1446", "Karlsborg", 7), ("1447", "Gullspång", 5), ("1452", "Tranemo", 12),
    ("1460", "Bengtsfors", 9), ("1461", "Mellerud", 9), ("1462", "Lilla Edet", 14), ("1463", "Mark", 35),
    ("1465", "Svenljunga", 11), ("1466", "Herrljunga", 10), ("1470", "Vara", 16), ("1471", "Götene", 13),
    ("1472", "Tibro", 11), ("1473", "Töreboda", 9), ("1480", "Göteborg", 595), ("1481", "Mölndal", 70),
    ("1482", "Kungälv", 48), ("1484", "Lysekil", 14), ("1485", "Uddevalla", 57), ("1486", "Strömstad", 13),
    ("1487", "Vänersborg", 40), ("1488", "Trollhättan", 60), ("1489", "Alingsås", 42), ("1490", "Borås", 115),
    ("1491", "Ulricehamn", 25), ("1492", "Åmål", 12), ("1493", "Mariestad", 25), ("1494", "Lidköping", 40),
    ("1495", "Skara", 19), ("1496", "Skövde", 57), ("1497", "Hjo", 9), ("1498", "Tidaholm", 13),
    ("1499", "Falköping", 33),
    ("1715", "Kil", 12), ("1730", "Eda", 9), ("1737", "Torsby", 12), ("1760", "Storfors", 4),
    ("1761", "Hammarö", 17), ("1762", "Munkfors", 4), ("1763", "Forshaga", 11), ("1764", "Grums", 9),
    ("1765", "Årjäng", 10), ("1766", "Sunne", 13), ("1780", "Karlstad", 95), ("1781", "Kristinehamn", 24),
    ("1782", "Filipstad", 10), ("1783", "Hagfors", 11), ("1784", "Arvika", 26), ("1785", "Säffle", 15),
    ("1814", "Lekeberg", 8), ("1860", "Laxå", 6), ("1861", "Hallsberg", 16), ("1862", "Degerfors", 9),
    ("1863", "Hällefors", 7), ("1864", "Ljusnarsberg", 5), ("1880", "Örebro", 158), ("1881", "Kumla", 22),
    ("1882", "Askersund", 11), ("1883", "Karlskoga", 30), ("1884", "Nora", 11), ("1885", "Lindesberg", 23),
    ("1904", "Skinnskatteberg", 4), ("1907", "Surahammar", 10), ("1960", "Kungsör", 9), ("1961", "Hallstahammar", 16),
    ("1962", "Norberg", 6), ("1980", "Västerås", 157), ("1981", "Sala", 23), ("1982", "Fagersta", 13),
    ("1983", "Köping", 26), ("1984", "Arboga", 14),
    ("2021", "Vansbro", 7), ("2023", "Malung-Sälen", 10), ("2026", "Gagnef", 10), ("2029", "Leksand", 16),
    ("2031", "Rättvik", 11), ("2034", "Orsa", 7), ("2039", "Älvdalen", 7), ("2061", "Smedjebacken", 11),
    ("2062", "Mora", 20), ("2080", "Falun", 60), ("2081", "Borlänge", 52), ("2082", "Säter", 11),
    ("2083", "Hedemora", 15), ("2084", "Avesta", 23), ("2085", "Ludvika", 26),
    ("2101", "Ockelbo", 6), ("2104", "Hofors", 9), ("2121", "Ovanåker", 12), ("2132", "Nordanstig", 9),
    ("2161", "Ljusdal", 19), ("2180", "Gävle", 103), ("2181", "Sandviken", 40), ("2182", "Söderhamn", 26),
    ("2183", "Bollnäs", 27), ("2184", "Hudiksvall", 38),
    ("2260", "Ånge", 9), ("2262", "Timrå", 18), ("2280", "Härnösand", 25), ("2281", "Sundsvall", 99),
    ("2282", "Kramfors", 18), ("2283", "Sollefteå", 19), ("2284", "Örnsköldsvik", 56),
    ("2303", "Ragunda", 5), ("2305", "Bräcke", 6), ("2309", "Krokom", 15), ("2313", "Strömsund", 11),
    ("2321", "Åre", 12), ("2326", "Berg", 7), ("2361", "Härjedalen", 10), ("2380", "Östersund", 64),
    ("2401", "Nordmaling", 7), ("2403", "Bjurholm", 2), ("2404", "Vindeln", 5), ("2409", "Robertsfors", 7),
    ("2417", "Norsjö", 4), ("2418", "Malå", 3), ("2421", "Storuman", 6), ("2422", "Sorsele", 2),
    ("2425", "Dorotea", 3), ("2460", "Vännäs", 9), ("2462", "Vilhelmina", 7), ("2463", "Åsele", 3),
    ("2480", "Umeå", 131), ("2481", "Lycksele", 12), ("2482", "Skellefteå", 75),
    ("2505", "Arvidsjaur", 6), ("2506", "Arjeplog", 3), ("2510", "Jokkmokk", 5), ("2513", "Överkalix", 3),
    ("2514", "Kalix", 16), ("2518", "Övertorneå", 4), ("2521", "Pajala", 6), ("2523", "Gällivare", 17),
    ("2560", "Älvsbyn", 8), ("2580", "Luleå", 79), ("2581", "Piteå", 42), ("2582", "Boden", 28),
    ("2583", "Haparanda", 10), ("2584", "Kiruna", 22),
)  # fmt: skip

# The large cities' own districts (their social services are organised by district).
CITY_DISTRICTS: dict[str, tuple[str, ...]] = {
    "0180": (
        "Rinkeby-Kista", "Spånga-Tensta", "Hässelby-Vällingby", "Bromma", "Kungsholmen", "Norrmalm", "Östermalm",
        "Södermalm", "Enskede-Årsta-Vantör", "Skarpnäck", "Farsta", "Hägersten-Älvsjö", "Skärholmen",
    ),
    "1480": ("Nordost", "Centrum", "Sydväst", "Hisingen"),
    "1280": ("Norr", "Söder", "Öster", "Väster", "Innerstaden"),
}  # fmt: skip
AREA_NAMES = ("centrum", "norra", "södra", "östra", "västra", "nordost", "sydväst", "nordväst")

BIG_CITIES = ("0180", "1480", "1280")
REGION_COUNTY = "14"  # the region preset: Västra Götaland, 49 municipalities
UNIT_CITY = "1480"  # the unit preset: Göteborg

# --- people ---------------------------------------------------------------------------------

FEMALE_NAMES = (
    "Agnes", "Alva", "Amina", "Anette", "Anneli", "Astrid", "Aya", "Åsa", "Birgitta", "Camilla", "Carina",
    "Dalia", "Ebba", "Elin", "Elsa", "Emma", "Fatima", "Frida", "Gunilla", "Hanna", "Helena", "Hiba", "Ida",
    "Ingrid", "Jenny", "Johanna", "Karolina", "Kerstin", "Leila", "Linda", "Linnea", "Lisa", "Maja", "Malin",
    "Marie", "Matilda", "Mona", "Märta", "Nadia", "Noor", "Petra", "Ronja", "Sanna", "Sara", "Sofia", "Susanne",
    "Therese", "Tove", "Ulrika", "Wilma", "Yasmin", "Zeynep", "Ängla", "Öznur",
)  # fmt: skip
MALE_NAMES = (
    "Adam", "Ahmed", "Alexander", "Ali", "Anders", "Andreas", "Arvid", "Björn", "Daniel", "David", "Dragan",
    "Emil", "Erik", "Fredrik", "Gustav", "Göran", "Hassan", "Henrik", "Ibrahim", "Jonas", "Jörgen", "Kenneth",
    "Kristian", "Lars", "Leo", "Magnus", "Marcus", "Martin", "Mattias", "Mikael", "Mohammed", "Måns", "Niklas",
    "Ola", "Omar", "Patrik", "Rasmus", "Robert", "Sami", "Stefan", "Sören", "Thomas", "Tobias", "Torbjörn",
    "Ulf", "Viktor", "Yusuf", "Åke", "Örjan",
)  # fmt: skip
SURNAMES = (
    "Abdi", "Ahmadi", "Andersson", "Axelsson", "Åberg", "Åkesson", "Berg", "Bengtsson", "Blom", "Björk",
    "Dahl", "Ekström", "Engström", "Eriksson", "Falk", "Forsberg", "Fredriksson", "Gustafsson", "Hansson",
    "Hedlund", "Holm", "Hussein", "Isaksson", "Jakobsson", "Johansson", "Jonsson", "Karlsson", "Kaya",
    "Larsson", "Lindberg", "Lindqvist", "Lund", "Lundström", "Magnusson", "Mattsson", "Mohamud", "Nilsson",
    "Nordin", "Nyström", "Olsson", "Persson", "Petersson", "Rahimi", "Sandberg", "Sjöberg", "Sundqvist",
    "Svensson", "Söderberg", "Wallin", "Wikström", "Yilmaz", "Öberg", "Öhman", "Östlund",
)  # fmt: skip
STREETS = (
    "Storgatan", "Kungsgatan", "Drottninggatan", "Norra vägen", "Södra vägen", "Skolgatan", "Trädgårdsgatan",
    "Ängsvägen", "Björkvägen", "Tallvägen", "Kyrkogatan", "Järnvägsgatan", "Industrigatan", "Åkervägen",
    "Sjögatan", "Parkvägen", "Hagagatan", "Smedjegatan", "Östra Långgatan", "Västra vägen", "Granvägen",
    "Bäckvägen", "Lärkgatan", "Ringvägen",
)  # fmt: skip
# PTS's number series for fiction (070-174 06 05 … 070-174 06 99).
PHONE_PREFIX = "070-174 06 "
PHONE_RANGE = (5, 99)

# --- diagnoses ------------------------------------------------------------------------------
# (code as written, Swedish text, weight in ‰ of sick-leave spells). Shares after Försäkringskassan's
# statistics of ongoing sick-leave cases: psychiatric diagnoses about half, musculoskeletal about a
# quarter, the rest spread thin. Codes in ICD-10-SE; F43.8A and U09.9 are national/newer codes the
# WHO 2019 list lacks (they are flagged so, like real input).
DIAGNOSES: tuple[tuple[str, str, int], ...] = (
    ("F32.1", "Medelsvår depressiv episod", 90),
    ("F32.0", "Lindrig depressiv episod", 40),
    ("F32.2", "Svår depressiv episod utan psykotiska symtom", 20),
    ("F33.1", "Recidiverande depressiv sjukdom, medelsvår episod", 50),
    ("F41.1", "Generaliserat ångestsyndrom", 60),
    ("F41.2", "Blandat ångest- och depressionstillstånd", 50),
    ("F41.0", "Paniksyndrom", 20),
    ("F43.1", "Posttraumatiskt stressyndrom", 50),
    ("F43.2", "Anpassningsstörning", 40),
    ("F43.8A", "Utmattningssyndrom", 60),
    ("F43.0", "Akut stressreaktion", 10),
    ("F60.3", "Emotionellt instabil personlighetsstörning", 10),
    ("F90.0", "Aktivitets- och uppmärksamhetsstörning", 20),
    ("F84.5", "Aspergers syndrom", 10),
    ("F10.2", "Psykiska störningar och beteendestörningar orsakade av alkohol: beroendesyndrom", 15),
    ("F20.0", "Paranoid schizofreni", 5),
    ("F31.3", "Bipolär sjukdom, lindrig eller medelsvår depressiv episod", 10),
    ("M54.5", "Lumbago", 70),
    ("M54.2", "Cervikalgi", 30),
    ("M79.7", "Fibromyalgi", 40),
    ("M51.1", "Diskbråck i ländryggen med radikulopati", 20),
    ("M75.1", "Rotatorkuffsyndrom", 20),
    ("M17.1", "Primär gonartros", 15),
    ("M25.5", "Ledvärk", 15),
    ("M53.1", "Cervikobrakialt syndrom", 10),
    ("M79.1", "Myalgi", 10),
    ("R52.2", "Annan kronisk smärta", 20),
    ("R53", "Sjukdomskänsla och trötthet", 10),
    ("G43.9", "Migrän, ospecificerad", 10),
    ("G35", "Multipel skleros", 10),
    ("G93.3", "Trötthetssyndrom efter virusinfektion", 10),
    ("U09.9", "Postcovid-tillstånd", 10),
    ("E11.9", "Typ 2-diabetes utan komplikationer", 10),
    ("I10", "Essentiell hypertoni", 5),
    ("I63.9", "Cerebral infarkt, ospecificerad", 5),
    ("J45.9", "Astma, ospecificerad", 5),
    ("C50.9", "Bröstcancer, ospecificerad", 15),
    ("K58.9", "Colon irritabile utan diarré", 5),
    ("S83.5", "Stukning och distorsion av korsband i knäled", 10),
    ("Z73.0", "Utbrändhet", 10),
    ("L40.5", "Psoriasisartrit", 5),
)
# Second diagnoses that often come with a first one (by the first one's letter).
COMORBID: dict[str, tuple[str, ...]] = {
    "F": ("F41.1", "F43.8A", "M79.7", "F10.2", "F90.0", "R52.2"),
    "M": ("F32.1", "R52.2", "F41.2", "M79.7"),
    "*": ("F32.1", "F43.2", "M54.5"),
}
# A few certificates from primary care use KSH97-P codes (checked for form only).
KSH97P_CODES = (("F32-P", "Depression"), ("F41-P", "Ångest"), ("M54-P", "Ryggvärk"))

# The FK 7804 free-text fields (the DFA chain), by the diagnosis' letter.
IMPAIRMENT = {
    "F": (
        "Nedstämdhet, koncentrationssvårigheter och nedsatt minne. Sömnstörning.",
        "Uttalad trötthet, ångest och nedsatt stresstålighet.",
        "Påverkad psykomotorik, nedsatt initiativförmåga.",
        "Återkommande panikattacker, undvikandebeteende.",
    ),
    "M": (
        "Smärta i ländryggen med utstrålning i vänster ben, nedsatt rörlighet.",
        "Nedsatt rörlighet och kraft i skuldran, smärta vid lyft.",
        "Generell värk och stelhet, nedsatt uthållighet.",
        "Smärta i nacke och skuldror, huvudvärk.",
    ),
    "*": (
        "Nedsatt ork och uthållighet.",
        "Nedsatt fysisk funktion efter behandling.",
        "Yrsel och trötthet.",
    ),
}
LIMITATION = {
    "F": (
        "Klarar inte att hålla fokus mer än korta stunder, svårt att planera och genomföra uppgifter.",
        "Klarar inte sociala kontakter eller att ta sig till nya miljöer.",
        "Orkar inte aktivitet mer än någon timme per dag.",
    ),
    "M": (
        "Kan inte sitta eller stå längre än 20 minuter, kan inte lyfta.",
        "Kan inte arbeta med armarna över axelhöjd.",
        "Klarar inte längre promenader eller att bära.",
    ),
    "*": (
        "Klarar endast lätta aktiviteter med täta pauser.",
        "Begränsad förmåga att resa sig och förflytta sig.",
    ),
}
TREATMENT = {
    "F": (
        "Antidepressiv medicinering, samtalskontakt med kurator.",
        "KBT via psykiatrin, uppföljning hos läkare om fyra veckor.",
        "Läkemedelsbehandling insatt, remiss till psykiatrisk öppenvård.",
    ),
    "M": (
        "Fysioterapi två gånger i veckan, smärtlindring.",
        "Remiss till ortoped, träningsprogram.",
        "Multimodal smärtrehabilitering planeras.",
    ),
    "*": (
        "Fortsatt behandling och uppföljning på vårdcentralen.",
        "Uppföljning på specialistmottagning.",
    ),
}
CURRENT_WORK = ("Timanställd inom städ", "Lagerarbete, deltid", "Vårdbiträde, timmar")

# --- the method's records -------------------------------------------------------------------

MEETING_PLACES = ("Socialkontoret, rum 3", "Socialkontoret, mottagningen", "Vårdcentralen", "Försäkringskassans kontor")
MEETING_DISCUSSED = (
    "Vi gick igenom läkarintyget och nuläget.",
    "Genomgång av hälsoläget och vad klienten själv vill.",
    "Kartläggning av hinder och resurser.",
    "Uppföljning av planen och insatserna.",
)
MEETING_DECISIONS = (
    "Kontakt tas med vården om rehabiliteringsplan.",
    "Klienten ansöker om sjukpenning hos Försäkringskassan.",
    "Arbetsförmågebedömning via AMC.",
    "Fortsatt kontakt varannan vecka.",
)
AGREED_ACTIONS = (
    "Boka tid hos läkaren och ta med frågorna.",
    "Skicka frågor till vården.",
    "Ansök om sjukpenning.",
    "Kontakta Arbetsmarknadsenheten om kartläggning.",
    "Ta fram underlag till arbetsförmågebedömning.",
    "Följ upp med Försäkringskassan.",
)
PLAN_GOALS = (
    "Att klienten ska kunna delta i förberedande aktivitet halvtid inom tre månader.",
    "Stabil hälsa och regelbunden kontakt med vården; därefter arbetsträning.",
    "Att pröva arbetsförmågan och vid behov söka sjukersättning med fullständigt underlag.",
    "Att klienten går vidare till studier.",
)
PLAN_STEPS = (
    "1. Läkarbesök och rehabiliteringsplan. 2. Kartläggning via AME. 3. Arbetsträning.",
    "1. Samtalskontakt. 2. Förberedande aktivitet två dagar i veckan.",
    "1. Arbetsförmågebedömning. 2. Beslut om fortsatt väg.",
)
PLAN_RESPONSIBLE = ("Socialsekreteraren", "Socialsekreteraren och vårdcentralen", "AME och socialsekreteraren")
CONTACT_HOW = ("Möte på socialkontoret och telefon däremellan.", "Telefon varannan vecka, möte en gång i månaden.")
CARE_PLAN = ("Rehabiliteringsplan från vårdcentralen", "Vårdplan psykiatrin")
SIP_NEEDS = (
    "Samordnad rehabilitering: vård, försörjning och arbetsmarknadsinsats.",
    "Behandling och stöd till sysselsättning behöver samordnas.",
)
SIP_MUNICIPALITY = ("Försörjningsstöd, kontakt med socialsekreterare, förberedande aktivitet.",)
SIP_REGION = ("Läkarkontakt och behandling på vårdcentralen.", "Psykiatrisk öppenvård.")
SIP_OTHERS = ("Försäkringskassan utreder rätt till ersättning.", "Arbetsförmedlingen kartlägger arbetsförmågan.")
SIP_GOALS = ("Jag vill må bättre och kunna jobba.", "Jag vill börja studera.", "Jag vill ha en vardag som fungerar.")
SIP_FOLLOW_UP_HOW = ("Nytt SIP-möte.", "Uppföljning per telefon med alla parter.")
HEALTHCARE_ANSWERS = (
    "Läkaren bedömer att arbetsträning kan påbörjas om en månad.",
    "Fortsatt sjukskrivning; rehabiliteringsplan bifogas.",
    "Vården deltar gärna i ett SIP-möte.",
)
