"""Demo chapters: the real ones the network's own texts name, with true places."""

from datetime import date

from .enums import ChapterKind, ChapterStatus
from .gazetteer import load_places
from .models import Chapter, PartnerOrganization, Place

CHAPTERS = [
    # slug, name, city, region, country, lat, lon, tz, status, languages
    ("berlin", "TWC Berlin", "Berlin", "Berlin", "DE", 52.52437, 13.41053, "Europe/Berlin",
     ChapterStatus.ACTIVE, ["en", "de"]),
    ("bologna", "TWC Bologna", "Bologna", "Emilia-Romagna", "IT", 44.49381, 11.33875,
     "Europe/Rome", ChapterStatus.ACTIVE, ["it"]),
    ("milan", "TWC Milan", "Milan", "Lombardy", "IT", 45.46427, 9.18951, "Europe/Rome",
     ChapterStatus.ACTIVE, ["it", "en"]),
    ("rome", "TWC Rome", "Rome", "Lazio", "IT", 41.89193, 12.51133, "Europe/Rome",
     ChapterStatus.ACTIVE, ["it"]),
    ("turin", "TWC Turin", "Turin", "Piedmont", "IT", 45.07049, 7.68682, "Europe/Rome",
     ChapterStatus.ACTIVE, ["it"]),
    ("new-york", "TWC New York", "New York", "New York", "US", 40.71427, -74.00597,
     "America/New_York", ChapterStatus.ACTIVE, ["en", "es"]),
    ("san-diego", "TWC San Diego", "San Diego", "California", "US", 32.71571, -117.16472,
     "America/Los_Angeles", ChapterStatus.ACTIVE, ["en", "es"]),
    ("bay-area", "TWC Bay Area", "San Francisco", "California", "US", 37.77493, -122.41942,
     "America/Los_Angeles", ChapterStatus.ACTIVE, ["en"]),
    ("seattle", "TWC Seattle", "Seattle", "Washington", "US", 47.60621, -122.33207,
     "America/Los_Angeles", ChapterStatus.ACTIVE, ["en"]),
    ("washington-dc", "TWC Washington DC", "Washington", "District of Columbia", "US",
     38.89511, -77.03637, "America/New_York", ChapterStatus.SEMI_ACTIVE, ["en"]),
    ("boston", "TWC Boston", "Boston", "Massachusetts", "US", 42.35843, -71.05977,
     "America/New_York", ChapterStatus.SEMI_ACTIVE, ["en"]),
    ("london", "TWC London", "London", "England", "GB", 51.50853, -0.12574, "Europe/London",
     ChapterStatus.GRADUATED, ["en"]),
]

DESCRIPTIONS = {
    "berlin": (
        "A very active chapter of tech workers in Berlin: programmers, designers, content "
        "moderators, riders and support staff. We run onboarding sessions in English and "
        "German, workplace organizing trainings and reading groups."
    ),
    "london": (
        "The London chapter fulfilled its role: its members built a union. "
        "Tech workers in London organize there now."
    ),
    "global": (
        "The online chapter for tech workers anywhere, especially where there is no local "
        "chapter yet. We take care of shared infrastructure, support local chapters, and run "
        "the Chapter Development Program for people who want to start a new chapter."
    ),
}

# GeoNames ids of the demo chapters' places, and the year each was founded (fictional).
PLACES = {
    "berlin": 2950159, "bologna": 3181928, "milan": 3173435, "rome": 3169070,
    "turin": 3165524, "new-york": 5128581, "san-diego": 5391811, "bay-area": 5391959,
    "seattle": 5809844, "washington-dc": 4140963, "boston": 4930956, "london": 2643743,
}
FOUNDED = {
    "berlin": date(2018, 3, 1), "bologna": date(2019, 5, 1), "milan": date(2019, 2, 1),
    "rome": date(2019, 9, 1), "turin": date(2020, 1, 15), "new-york": date(2016, 6, 1),
    "san-diego": date(2017, 4, 1), "bay-area": date(2014, 10, 1),
    "seattle": date(2016, 11, 1), "washington-dc": date(2017, 8, 1),
    "boston": date(2017, 3, 1), "london": date(2017, 5, 1), "global": date(2019, 1, 1),
}

PARTNERS = [
    ("United Tech and Allied Workers", "https://utaw.tech/", ["GB"],
     "Tech workers of every kind", "A union branch for tech workers in the UK."),
    ("IWW Technology Workers Organizing Committee", "https://example.org/iww-twoc",
     ["IE", "GB", "FR", "DK", "ZA", "US", "CA"], "Technology industry, along the supply chain",
     "A revolutionary union's committee organizing across the technology industry."),
]


def load() -> None:
    load_places()
    places = Place.objects.in_bulk(PLACES.values())
    for slug, name, city, region, country, lat, lon, tz, status, languages in CHAPTERS:
        defaults = {
            "name": name, "kind": ChapterKind.LOCAL, "city": city, "region": region,
            "country": country, "latitude": lat, "longitude": lon, "timezone": tz,
            "status": status, "languages": languages, "is_listed": True,
            "description": DESCRIPTIONS.get(
                slug,
                f"Tech workers in {city} organizing together. Come to an onboarding session "
                "to meet us and learn how to take part.",
            ),
            "email": f"{slug}@example.org",
            "website": f"https://example.org/twc-{slug}",
            "matrix": f"https://matrix.example.org/#/room/twc-{slug}",
            "founded_on": FOUNDED[slug],
            "place": places.get(PLACES[slug]),
            "meeting_frequency": "Every two weeks" if status == ChapterStatus.ACTIVE else
            "Occasionally",
        }
        if slug == "london":
            defaults.update(
                successor_name="United Tech and Allied Workers",
                successor_url="https://utaw.tech/",
                graduated_on=date(2020, 1, 21),
            )
        Chapter.objects.update_or_create(slug=slug, defaults=defaults)
    Chapter.objects.update_or_create(
        slug="global",
        defaults={
            "name": "TWC Global", "kind": ChapterKind.ONLINE, "timezone": "UTC",
            "status": ChapterStatus.ACTIVE, "languages": ["en", "it", "de", "es", "fr"],
            "description": DESCRIPTIONS["global"], "email": "global@example.org",
            "website": "https://example.org/twc-global", "founded_on": FOUNDED["global"],
            "mastodon": "https://mastodon.example.org/@twcglobal",
            "meeting_frequency": "Monthly online assembly", "is_listed": True,
        },
    )
    for name, url, countries, sectors, summary in PARTNERS:
        PartnerOrganization.objects.update_or_create(
            name=name, defaults={"url": url, "countries": countries, "sectors": sectors,
                                 "summary": summary},
        )
