"""The demo newsroom's content: people, sections, two live stories and articles.

Everything here is invented for Newsdesk's demo: the Tessaline Sea, its
states, the Valmora summit, Storm Hesper, the Aldmoor election and every
person quoted. Times are offsets before the moment the demo is loaded, so a
fresh demo always looks as if it is happening now. ``demo.py`` loads it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from textwrap import dedent


def ago(hours: int = 0, minutes: int = 0, *, days: int = 0) -> datetime.timedelta:
    """How long before the load an action happened."""
    return datetime.timedelta(days=days, hours=hours, minutes=minutes)


_BLOCK_START = re.compile(r"([-*+] |\d+\. |> )")


def md(text: str) -> str:
    """Markdown written indented and wrapped in this module, stored as a reporter types it.

    Lines are dedented, and the lines of a paragraph, list item or quotation are
    joined into one, since nobody types hard line breaks into the composer.
    """
    lines: list[str] = []
    for line in dedent(text).strip().splitlines():
        stripped = line.strip()
        previous = lines[-1] if lines else ""
        if not stripped:
            lines.append("")
        elif previous.startswith("> ") and stripped.startswith("> "):
            lines[-1] = f"{previous} {stripped[2:]}"
        elif previous and (line.startswith(" ") or not _BLOCK_START.match(stripped)):
            lines[-1] = f"{previous} {stripped}"
        else:
            lines.append(stripped)
    return "\n".join(lines)


@dataclass(frozen=True)
class Person:
    username: str
    byline: str
    role: str
    email: str = ""


@dataclass(frozen=True)
class SectionSpec:
    name: str
    slug: str
    parent: str = ""  # path of the parent section
    position: int = 0

    @property
    def path(self) -> str:
        return f"{self.parent}/{self.slug}" if self.parent else self.slug


@dataclass(frozen=True)
class Correction:
    after: datetime.timedelta  # how long after publication the desk corrected it
    body: str


@dataclass(frozen=True)
class PhotoSpec:
    drawing: str  # a name in demo_photos.DRAWINGS
    alt: str
    caption: str
    credit: str


@dataclass(frozen=True)
class EntrySpec:
    at: datetime.timedelta
    author: str
    body: str
    title: str = ""
    key_event: bool = False
    pinned: bool = False
    correction: Correction | None = None
    deleted_after: datetime.timedelta | None = None
    photos: tuple[PhotoSpec, ...] = ()


@dataclass(frozen=True)
class KeyPointsSpec:
    at: datetime.timedelta
    points: list[str]


@dataclass(frozen=True)
class LiveStorySpec:
    section: str
    headline: str
    standfirst: str
    editor: str
    reporters: list[str]
    started: datetime.timedelta
    entries: list[EntrySpec]
    key_points: list[KeyPointsSpec]
    ended: datetime.timedelta | None = None


@dataclass(frozen=True)
class ArticleSpec:
    section: str
    headline: str
    standfirst: str
    author: str
    at: datetime.timedelta
    body: str


# --- people -------------------------------------------------------------------------

MAYA = "editor"
DANIEL = "dashworth"
PRIYA = "praman"
LUKAS = "lbrenner"

PEOPLE = [
    Person(MAYA, "Maya Okafor", "editor", "maya.okafor@newsdesk.example"),
    Person(DANIEL, "Daniel Ashworth", "editor", "daniel.ashworth@newsdesk.example"),
    Person(PRIYA, "Priya Raman", "reporter", "priya.raman@newsdesk.example"),
    Person(LUKAS, "Lukas Brenner", "reporter", "lukas.brenner@newsdesk.example"),
]


# --- sections -----------------------------------------------------------------------

SECTIONS = [
    SectionSpec("World", "world", position=1),
    SectionSpec("Europe", "europe", "world", 1),
    SectionSpec("Asia", "asia", "world", 2),
    SectionSpec("Americas", "americas", "world", 3),
    SectionSpec("Politics", "politics", position=2),
    SectionSpec("Business", "business", position=3),
    SectionSpec("Climate", "climate", position=4),
    SectionSpec("Science", "science", position=5),
    SectionSpec("Sport", "sport", position=6),
    SectionSpec("Culture", "culture", position=7),
]


# --- the running live story ---------------------------------------------------------

VALMORA = LiveStorySpec(
    section="world/europe",
    headline=("Live updates: Coastal states agree emergency storm-surge pact at Valmora summit"),
    standfirst=(
        "Follow the latest updates on the Valmora summit, where leaders of the eleven "
        "Tessaline Sea states have signed a pact to share flood warnings and pay for sea "
        "defences, as Storm Hesper bears down on the Calder Isles."
    ),
    editor=MAYA,
    reporters=[PRIYA, LUKAS],
    started=ago(6, 10),
    key_points=[
        KeyPointsSpec(
            ago(6, 5),
            [
                "Leaders of the eleven Tessaline Sea states meet in **Valmora** today to "
                "agree a joint defence against storm surges.",
                "On the table: a shared warning network, a resilience fund and "
                "cross-border evacuation plans.",
                "Forecasters expect **Storm Hesper** to reach the Calder Isles later this week.",
            ],
        ),
        KeyPointsSpec(
            ago(2, 55),
            [
                "Negotiators have agreed how to split a **€14bn** resilience fund after "
                "talks stalled over the morning.",
                "Smaller and poorer states will be able to draw on the fund first.",
                "The Calder Isles have begun evacuating two low-lying villages ahead of "
                "**Storm Hesper**.",
                "Leaders are expected to sign the pact this afternoon.",
            ],
        ),
        KeyPointsSpec(
            ago(1, 33),
            [
                "All eleven states have **signed the Valmora Surge Compact**, the first "
                "joint storm-surge pact on the Tessaline Sea.",
                "A shared network of 140 tide gauges and buoys will give **72 hours' "
                "warning** of dangerous surges on one common alert scale.",
                "A **€14bn Coastal Resilience Fund** will pay for barriers, dunes and "
                "pumping stations over ten years; smaller states draw first.",
                "Neighbours will open evacuation corridors, ferries and hospital beds "
                "to one another when a surge warning is red.",
                "**Storm Hesper** is forecast to bring a surge of up to 2.4 metres to "
                "the Calder Isles on Thursday evening; evacuations are under way.",
            ],
        ),
    ],
    entries=[
        EntrySpec(
            ago(6, 8),
            MAYA,
            title="Welcome to our live coverage",
            body=md(
                """
                Good morning and welcome to our live coverage of the **Valmora summit**,
                where leaders of the eleven states around the Tessaline Sea are meeting to
                agree how they will defend their coasts against storm surges.

                Our correspondents Priya Raman and Lukas Brenner are at the conference
                centre on Valmora's harbour front, and we will bring you every development
                as the day goes on.
                """
            ),
        ),
        EntrySpec(
            ago(6, 0),
            PRIYA,
            body=md(
                """
                Delegations have been arriving under low grey cloud for the past hour. The
                harbour road is closed to traffic and a line of coastguard launches sits
                just off the quay.

                The first motorcade to arrive was the Calder Isles', the smallest state at
                the table and the one with most to lose: three of its inhabited islands lie
                less than two metres above the high-water mark.
                """
            ),
            photos=(
                PhotoSpec(
                    "harbour",
                    alt="Two ferries moored at a grey quay, orange coastguard launches "
                    "offshore and the conference centre on the far shore.",
                    caption="Coastguard launches hold station off Valmora's harbour front "
                    "as delegations arrive.",
                    credit="Priya Raman",
                ),
            ),
        ),
        EntrySpec(
            ago(5, 52),
            MAYA,
            title="What is on the table",
            body=md(
                """
                The draft text seen by negotiators last night has five parts:

                - a **shared early-warning network** of tide gauges and buoys, with one
                  alert scale for every state
                - a **Coastal Resilience Fund** to pay for sea walls, dunes and pumping
                  stations
                - **evacuation corridors**: ferries, roads and hospital beds opened across
                  borders when a surge is coming
                - **open data**: flood and sea-level measurements published within the hour
                - a **review in 2030**, with minimum defence standards every state must meet

                The size of the fund, and who pays into it, is the part still in square
                brackets.
                """
            ),
        ),
        EntrySpec(
            ago(5, 41),
            LUKAS,
            title="Forecasters raise Storm Hesper warning",
            key_event=True,
            body=md(
                """
                The Tessaline Meteorological Service has raised its warning for **Storm
                Hesper**, now forming far out to the west. It expects the storm to reach the
                Calder Isles on Thursday, with a surge of up to two metres on top of a
                spring tide.

                A forecaster in the summit's press room put it bluntly: the pact being
                negotiated upstairs would have been useful this week.
                """
            ),
        ),
        EntrySpec(
            ago(5, 30),
            PRIYA,
            body=md(
                """
                Outside the security cordon, about two hundred people from fishing towns
                along the Lusinian coast are holding a quiet protest. Several have brought
                photographs of harbours damaged in last winter's floods.

                > We are not against sea walls. We are against sea walls built in front of
                > our boats without anyone asking us where the boats go.

                That was a net-maker from the town of Brisa, who has worked the same quay
                for thirty years.
                """
            ),
        ),
        EntrySpec(
            ago(5, 21),
            DANIEL,
            title="Why storm surges are getting worse",
            body=md(
                """
                A storm surge is the rise in sea level pushed ashore by a storm's winds and
                low pressure. Two things are making them more dangerous around the
                Tessaline: the sea itself is higher than it was a generation ago, so every
                surge starts from a higher base, and the strongest winter storms are
                tracking further south.

                A regional study published last year found that the height of the worst
                winter surges had risen by about a fifth since the 1990s. You can read our
                [explainer on the research](https://example.org/science/surge-heights).
                """
            ),
        ),
        EntrySpec(
            ago(5, 9),
            LUKAS,
            title="Host opens the summit: 'The sea does not stop at our borders'",
            body=md(
                """
                Lusinia's prime minister, who is chairing the summit, opened the session a
                few minutes ago.

                > The sea does not stop at our borders, and neither should the warning. A
                > surge that floods Brisa on a Tuesday was a surge someone saw coming on
                > the Sunday. Today we agree that they tell us.

                The speech was short, under ten minutes, and aimed squarely at the states
                still hesitating over the fund.
                """
            ),
        ),
        EntrySpec(
            ago(4, 58),
            PRIYA,
            body=md(
                """
                The smaller states have set out their price for signing. The Calder Isles,
                Dovria and the city-state of Port Aubrel want a guarantee that they can
                draw on the fund **first**, whatever they pay in.

                One Dovrian official told me their entire annual budget for coastal defence
                would not pay for a single kilometre of the barriers Ostrenia is building.
                """
            ),
        ),
        EntrySpec(
            ago(4, 47),
            DANIEL,
            body=md(
                """
                On the markets, shares in the region's big insurers have edged higher this
                morning, with traders betting that shared warnings will mean fewer and
                smaller claims. Construction groups that build flood barriers are up too,
                by between 2% and 4%.
                """
            ),
        ),
        EntrySpec(
            ago(4, 36),
            LUKAS,
            title="Talks stall over who pays",
            key_event=True,
            body=md(
                """
                The morning session has broken up without agreement on the fund. Two
                delegations tell us the argument is over the formula: Marrovia and
                Ostrenia want contributions based on the size of each economy, while the
                smaller states want the length of exposed coastline to count as well.

                The leaders' lunch has been pushed back by an hour so that finance
                ministers can keep talking.
                """
            ),
        ),
        EntrySpec(
            ago(4, 28),
            MAYA,
            title="If you are just joining us",
            body=md(
                """
                Here is where things stand:

                1. Leaders of eleven coastal states are in Valmora to agree a joint
                   storm-surge pact.
                2. There is broad agreement on shared warnings and evacuation plans.
                3. Talks have stalled over how to fund new sea defences.
                4. Storm Hesper is forecast to hit the Calder Isles on Thursday.
                """
            ),
        ),
        EntrySpec(
            ago(4, 19),
            PRIYA,
            body=md(
                """
                Marrovia's finance minister, Aurel Demaris, has just spoken to reporters in
                the corridor outside the negotiating room.

                > Marrovia will pay its share. Marrovia will not sign a blank cheque. We
                > want to see where every euro goes before the first one leaves.

                Asked whether he expected a deal today, he said only: "Ask me after lunch."
                """
            ),
        ),
        EntrySpec(
            ago(4, 10),
            LUKAS,
            title="Calder Isles begin evacuations ahead of Storm Hesper",
            key_event=True,
            body=md(
                """
                The government of the Calder Isles has ordered a precautionary evacuation
                of two low-lying villages on its southern island, about **1,200 residents**
                in all. Ferries will begin taking people to the main island tomorrow
                morning.

                The first minister is expected to stay in Valmora to sign the pact, then
                fly home tonight.
                """
            ),
            correction=Correction(
                ago(0, 25),
                md(
                    """
                    The government of the Calder Isles has ordered a precautionary evacuation
                    of two low-lying villages on its southern island, about **2,100
                    residents** in all. Ferries will begin taking people to the main island
                    tomorrow morning.

                    The first minister is expected to stay in Valmora to sign the pact, then
                    fly home tonight.

                    *This entry has been corrected: an earlier version gave the number of
                    residents as 1,200. The government's figure is 2,100.*
                    """
                ),
            ),
        ),
        EntrySpec(
            ago(4, 1),
            DANIEL,
            title="Your questions: what does a 'two-metre surge' mean?",
            body=md(
                """
                Several readers have asked what the forecast figure means. It is the height
                of the water **above the normal predicted tide**, not above dry land. A
                two-metre surge arriving on a high spring tide, as Hesper may, can put
                water into streets that have not flooded in decades.

                Keep your questions coming to [our live desk](https://example.org/contact).
                """
            ),
        ),
        EntrySpec(
            ago(3, 52),
            PRIYA,
            body=md(
                """
                Away from the main table, Ostrenia and Kestland have signed a side agreement
                to share mobile pumping equipment during floods. Kestland's pumps were idle
                for most of last winter while Ostrenian towns a few hours' drive away were
                under water.
                """
            ),
        ),
        EntrySpec(
            ago(3, 44),
            LUKAS,
            body=md(
                """
                A group of students from schools along the coast has handed the summit an
                open letter signed, they say, by more than 40,000 young people. It asks
                leaders to put **binding** defence standards in the text rather than
                leaving them to the 2030 review.

                The letter is [published in full on the students'
                site](https://example.org/letters/valmora).
                """
            ),
        ),
        EntrySpec(
            ago(3, 35),
            MAYA,
            body=md(
                """
                Ostrenia and Kestland have signed a side agreement to share mobile pumping
                equipment during floods.
                """
            ),
            deleted_after=ago(0, 3),
        ),
        EntrySpec(
            ago(3, 26),
            PRIYA,
            body=md(
                """
                A compromise draft is circulating. According to two people who have seen
                it, each state's contribution would be weighted **half by the size of its
                economy and half by the length of its exposed coastline**, and the three
                smallest states would be guaranteed the first call on the fund for five
                years.
                """
            ),
        ),
        EntrySpec(
            ago(3, 17),
            DANIEL,
            body=md(
                """
                The Tessaline Insurers' Federation has welcomed the draft in a short
                statement:

                > A common warning scale is the single most useful thing governments can
                > give the people we insure. Every hour of warning is property moved,
                > cars driven inland and claims that never need to be made.
                """
            ),
        ),
        EntrySpec(
            ago(3, 8),
            LUKAS,
            body=md(
                """
                Forecasters have updated their guidance on Storm Hesper. They now expect it
                to arrive on **Thursday evening**, with a surge of 2.1 to 2.4 metres on the
                southern coast of the Calder Isles, slightly higher than this morning's
                estimate.
                """
            ),
        ),
        EntrySpec(
            ago(2, 58),
            PRIYA,
            title="Breakthrough: negotiators agree how to fund the pact",
            key_event=True,
            body=md(
                """
                Finance ministers have agreed the funding formula, three delegations have
                confirmed. The **Coastal Resilience Fund will hold €14bn** over ten years.

                The compromise draft has survived almost intact: contributions are weighted
                by economy and coastline, and the smallest states draw first. Marrovia has
                won an independent audit of every project the fund pays for.
                """
            ),
        ),
        EntrySpec(
            ago(2, 50),
            MAYA,
            title="What the funding deal means",
            body=md(
                """
                - **Who pays most:** Ostrenia and Marrovia, the two largest economies,
                  together cover just under half.
                - **Who draws first:** the Calder Isles, Dovria and Port Aubrel, for five
                  years.
                - **What it pays for:** barriers, dune restoration, pumping stations and
                  raising roads used for evacuation.
                - **Who checks:** an independent audit office, reporting every year.
                """
            ),
        ),
        EntrySpec(
            ago(2, 41),
            LUKAS,
            body=md(
                """
                The first minister of the Calder Isles, Nell Tarrant, came out to speak to
                reporters and was close to tears.

                > For my islands this is not a policy. It is whether a child in a village
                > on the south shore goes to sleep on Thursday night in her own bed.
                """
            ),
        ),
        EntrySpec(
            ago(2, 32),
            DANIEL,
            title="The Tessaline coast in numbers",
            body=md(
                """
                - **11** states with a Tessaline coastline
                - **9,400 km** of coast, about a third of it low-lying
                - **140** tide gauges and buoys in the planned warning network
                - **72 hours**: the warning the network is designed to give
                - **€14bn** in the resilience fund over ten years
                """
            ),
        ),
        EntrySpec(
            ago(2, 23),
            PRIYA,
            body=md(
                """
                Environmental groups are cautiously positive. The Tessaline Coast Alliance
                called the pact "a floor, not a ceiling" and said the 2030 review must make
                defence standards binding.
                """
            ),
            correction=Correction(
                ago(0, 18),
                md(
                    """
                    Environmental groups are cautiously positive. The Blue Margin network of
                    coastal charities called the pact "a floor, not a ceiling" and said the
                    2030 review must make defence standards binding.

                    *This entry has been corrected: an earlier version attributed the
                    quotation to a different organisation.*
                    """
                ),
            ),
        ),
        EntrySpec(
            ago(2, 11),
            MAYA,
            title="Summary: what the Valmora pact says",
            key_event=True,
            pinned=True,
            body=md(
                """
                Leaders have agreed the final text of the **Valmora Surge Compact**. In
                short:

                1. **Warnings:** one network, one alert scale, 72 hours' notice of
                   dangerous surges, shared by every state.
                2. **Money:** a €14bn fund over ten years; the smallest states draw first.
                3. **People:** evacuation corridors, ferries and hospital beds opened
                   across borders when a warning is red.
                4. **Data:** flood and sea-level measurements published within the hour.
                5. **Standards:** minimum sea-defence standards, reviewed in 2030.
                """
            ),
        ),
        EntrySpec(
            ago(2, 2),
            LUKAS,
            body=md(
                """
                Staff are setting out the long table in the conference centre's glass hall
                overlooking the harbour. Eleven chairs, eleven flags and, we are told,
                eleven pens made from driftwood collected on Valmora's beaches.
                """
            ),
        ),
        EntrySpec(
            ago(1, 53),
            PRIYA,
            body=md(
                """
                Back with the protesters outside, the reaction to the deal is mixed. The
                net-maker from Brisa I spoke to this morning said the evacuation corridors
                were "the first thing in years that sounds like it was written by someone
                who has been in a flood". He is less sure about the barriers, and wants to
                know who will decide where they go.
                """
            ),
        ),
        EntrySpec(
            ago(1, 44),
            DANIEL,
            body=md(
                """
                In Marrovia, the main opposition party has criticised the cost of the deal,
                saying the government has "signed up to pay for other countries' sea
                walls". The government's reply: a surge that floods a neighbour's port also
                closes Marrovia's shipping lanes.
                """
            ),
        ),
        EntrySpec(
            ago(1, 35),
            LUKAS,
            title="Leaders sign the Valmora Surge Compact",
            key_event=True,
            body=md(
                """
                It is done. The leaders of all eleven Tessaline Sea states have signed the
                **Valmora Surge Compact**, to long applause in the glass hall.

                The pact still needs to be ratified by each state's parliament, but the
                warning network, which uses instruments most states already own, can start
                working within weeks.
                """
            ),
        ),
        EntrySpec(
            ago(1, 28),
            PRIYA,
            body=md(
                """
                Before the signing, the hall stood for a minute's silence for the
                fourteen people who died when last winter's surge flooded the old town of
                Port Aubrel. Port Aubrel's mayor signed on behalf of the city-state, and
                held up the pen to the cameras afterwards without saying a word.
                """
            ),
        ),
        EntrySpec(
            ago(1, 19),
            MAYA,
            body=md(
                """
                At the closing press conference, Lusinia's prime minister was asked whether
                the pact would have made a difference in Port Aubrel last winter.

                > The water came at night, and the warning came after the water. With this
                > network, the warning comes three days before. I cannot tell you every
                > life would have been saved. I can tell you everyone would have had a
                > chance.
                """
            ),
            photos=(
                PhotoSpec(
                    "podium",
                    alt="An empty lectern with a microphone in front of a row of six flags.",
                    caption="The lectern for the closing press conference, before the "
                    "leaders came in.",
                    credit="Lukas Brenner",
                ),
            ),
        ),
        EntrySpec(
            ago(1, 10),
            LUKAS,
            title="When does the pact take effect?",
            body=md(
                """
                - **The warning network** starts as soon as the states connect their
                  existing gauges, which officials expect within six weeks.
                - **The fund** needs every parliament to ratify the pact; the target is
                  the end of next year.
                - **Evacuation corridors** take effect immediately as a voluntary
                  arrangement, and become binding on ratification.
                """
            ),
        ),
        EntrySpec(
            ago(1, 1),
            DANIEL,
            body=md(
                """
                Markets have closed on a high for the companies most affected. The region's
                insurers finished the day up about 3%, and the two largest barrier builders
                rose 6%. Analysts at one bank said the fund "turns a long list of planned
                projects into a funded pipeline".
                """
            ),
        ),
        EntrySpec(
            ago(0, 52),
            PRIYA,
            body=md(
                """
                News from the Calder Isles: the first two evacuation ferries have been
                moved to the southern island tonight so that boarding can start at first
                light. The island's school has been turned into a registration centre.
                """
            ),
        ),
        EntrySpec(
            ago(0, 41),
            LUKAS,
            title="Analysis: what the pact does not do",
            body=md(
                """
                It is a real agreement, and it was not a certainty this morning. But it
                leaves three big questions open:

                - **Retreat.** Nothing in the text addresses moving homes and towns away
                  from the coast, the most painful choice many states face.
                - **Enforcement.** The minimum standards are reviewed in 2030, but there is
                  no penalty for a state that falls short.
                - **Money beyond ten years.** €14bn is a start; estimates of what the
                  Tessaline coast needs run to many times that.
                """
            ),
        ),
        EntrySpec(
            ago(0, 30),
            MAYA,
            title="What readers are telling us",
            body=md(
                """
                Thank you for your messages. A few of them:

                > I live two streets from the harbour in Brisa. A three-day warning means I
                > can move my mother before the roads close. That is all I want from this.

                > Fourteen billion sounds like a lot until you price a single barrier.

                You can write to us at [the live desk](https://example.org/contact).
                """
            ),
        ),
        EntrySpec(
            ago(0, 21),
            PRIYA,
            body=md(
                """
                The leaders are leaving Valmora. Nell Tarrant, the first minister of the
                Calder Isles, went straight from the press conference to the airport; she
                will chair her government's storm committee tonight.
                """
            ),
        ),
        EntrySpec(
            ago(0, 12),
            DANIEL,
            title="Storm Hesper: amber warning for the Calder Isles",
            key_event=True,
            body=md(
                """
                The Tessaline Meteorological Service has issued an **amber surge warning**
                for the southern Calder Isles from Thursday afternoon. It is the first
                warning issued since the pact was signed, and, officials in Valmora note,
                the first that all eleven states have received at the same moment.
                """
            ),
            photos=(
                PhotoSpec(
                    "storm-chart",
                    alt="Forecast chart: a white spiral of cloud west of a chain of green "
                    "islands, with a yellow line tracking it towards them.",
                    caption="Storm Hesper's forecast track reaches the southern Calder "
                    "Isles on Thursday afternoon.",
                    credit="Tessaline Meteorological Service",
                ),
            ),
        ),
        EntrySpec(
            ago(0, 4),
            LUKAS,
            body=md(
                """
                Our coverage continues as the Calder Isles prepare for Storm Hesper. We will
                bring you the latest on the evacuations and the forecast through the
                evening. The evacuation ferries leave from the southern island's harbour:

                https://www.openstreetmap.org/?mlat=57.05120&mlon=-7.44310#map=11/57.05120/-7.44310
                """
            ),
        ),
    ],
)


# --- the ended live story -------------------------------------------------------------

ALDMOOR = LiveStorySpec(
    section="politics",
    headline="Live updates: Aldmoor regional election count",
    standfirst=(
        "Follow the latest updates on the count in the Aldmoor regional election, where the "
        "Green and Harbour Alliance has won a majority for the first time."
    ),
    editor=DANIEL,
    reporters=[PRIYA],
    started=ago(51, 30),
    ended=ago(44, 40),
    key_points=[
        KeyPointsSpec(
            ago(50, 20),
            [
                "Polls have closed in the Aldmoor regional election; the count is under way.",
                "An exit poll puts the **Green and Harbour Alliance** ahead.",
            ],
        ),
        KeyPointsSpec(
            ago(44, 45),
            [
                "The **Green and Harbour Alliance** has won **33 of 61 seats**, a majority "
                "of five.",
                "Aldmoor Progress, in power for twelve years, fell to 19 seats.",
                "Rural Voice held its seven upland seats; independents won two.",
                "Turnout was **68.4%**, the highest since the region was created.",
                "Saltmarsh East went to the Alliance by 14 votes after a recount.",
            ],
        ),
    ],
    entries=[
        EntrySpec(
            ago(51, 25),
            DANIEL,
            title="Polls close in Aldmoor",
            body=md(
                """
                Polls have closed across the Aldmoor region and ballot boxes are on their
                way to the three counting centres. Sixty-one seats are up for election;
                a party needs **31** for a majority.
                """
            ),
        ),
        EntrySpec(
            ago(51, 5),
            DANIEL,
            title="Exit poll puts the Alliance ahead",
            key_event=True,
            body=md(
                """
                The exit poll suggests the **Green and Harbour Alliance** will be the
                largest party, on about 32 seats, with Aldmoor Progress on 21. If it is
                right, twelve years of Progress government are over.
                """
            ),
        ),
        EntrySpec(
            ago(50, 30),
            PRIYA,
            body=md(
                """
                At the counting centre in Kettle Bridge, the verification of ballot papers
                is going quickly. Officials expect the first declarations within the hour.
                Party agents from the Alliance are, for now, trying very hard not to look
                pleased.
                """
            ),
        ),
        EntrySpec(
            ago(49, 40),
            PRIYA,
            title="First declaration: Kettle Bridge North",
            body=md(
                """
                The first seat of the night goes to the **Green and Harbour Alliance**,
                a gain from Aldmoor Progress with a majority of 1,812. The winning candidate,
                a former ferry engineer, thanked "everyone who waited for a bus that never
                came".
                """
            ),
        ),
        EntrySpec(
            ago(49, 0),
            DANIEL,
            body=md(
                """
                Turnout has been confirmed at **68.4%**, the highest since the regional
                assembly was created. It was highest of all in the coastal wards, where
                the Alliance campaigned on flood defences and rail fares.
                """
            ),
        ),
        EntrySpec(
            ago(48, 15),
            PRIYA,
            body=md(
                """
                Rural Voice has held all seven of its upland seats. Its leader said the
                party would "talk to anyone who will reopen our cottage hospitals", which
                sounds like an opening offer.
                """
            ),
        ),
        EntrySpec(
            ago(47, 30),
            PRIYA,
            body=md(
                """
                There will be a recount in **Saltmarsh East**, where fewer than twenty
                votes separate the Alliance and Progress candidates.
                """
            ),
        ),
        EntrySpec(
            ago(46, 50),
            DANIEL,
            title="The Alliance has a majority",
            key_event=True,
            body=md(
                """
                With the declaration in Tern Point, the **Green and Harbour Alliance** has
                reached 31 seats and will govern Aldmoor with a majority of its own.
                """
            ),
        ),
        EntrySpec(
            ago(46, 20),
            PRIYA,
            title="Progress leader concedes",
            key_event=True,
            body=md(
                """
                The outgoing head of the regional government has conceded at the Kettle
                Bridge count.

                > The people of Aldmoor have asked for a change, and they will have it. I
                > wish the new government well: its success is the region's success.
                """
            ),
        ),
        EntrySpec(
            ago(45, 45),
            PRIYA,
            body=md(
                """
                The Alliance's leader has spoken to supporters on the harbour steps:

                > We promised a railway that runs, a coast that is defended and a
                > government that listens. Tomorrow morning we start on all three.
                """
            ),
        ),
        EntrySpec(
            ago(45, 10),
            DANIEL,
            body=md(
                """
                The recount in Saltmarsh East is over: the Alliance wins by **14 votes**.
                The Progress candidate has accepted the result.
                """
            ),
        ),
        EntrySpec(
            ago(44, 50),
            DANIEL,
            title="Final result",
            body=md(
                """
                All 61 seats have declared:

                - **Green and Harbour Alliance:** 33 (+12)
                - **Aldmoor Progress:** 19 (-11)
                - **Rural Voice:** 7 (no change)
                - **Independents:** 2 (-1)

                Thank you for following our coverage of the count. You can read our
                [analysis of the result](https://example.org/politics/aldmoor-result) and
                our guide to the new government.
                """
            ),
        ),
    ],
)

LIVE_STORIES = [VALMORA, ALDMOOR]


# --- ordinary articles ----------------------------------------------------------------

ARTICLES = [
    ArticleSpec(
        section="climate",
        headline="Sea walls or managed retreat? Coastal towns weigh the cost of rising surges",
        standfirst=(
            "As the Tessaline states fund new defences, some towns are asking whether it "
            "would be cheaper to move."
        ),
        author=MAYA,
        at=ago(20),
        body=md(
            """
            In the fishing town of Brisa, the argument about the sea is held in the harbour
            café. One table wants a barrier across the harbour mouth; the next wants the
            council to start buying the houses on the lowest street and let the water have
            it.

            Both sides agree on the numbers. The harbour wall was raised by half a metre in
            the 1980s and has been overtopped four times in the past six winters. Engineers
            say a new barrier would cost about €90m and last fifty years; the lowest street
            has forty-one houses.

            "Managed retreat" is the phrase planners use for moving homes, roads and
            services back from the coast on purpose, before a flood forces the issue. It is
            cheaper than most people think, and harder than almost anyone admits: it asks
            families to leave streets their grandparents built.

            Several Tessaline states now pay for both. Kestland offers to buy flood-prone
            homes at their pre-flood value; Lusinia funds barriers only where the council
            has a plan for what happens in fifty years' time.

            In Brisa, the café has not reached a verdict. The owner, whose own kitchen
            flooded in February, has raised her fridge onto bricks while she waits.
            """
        ),
    ),
    ArticleSpec(
        section="climate",
        headline="Storm Hesper: forecasters warn of dangerous surge for the Calder Isles",
        standfirst=(
            "A deepening Atlantic storm could bring a surge of more than two metres on a "
            "spring tide later this week."
        ),
        author=DANIEL,
        at=ago(30),
        body=md(
            """
            Forecasters have warned that **Storm Hesper**, a deepening area of low pressure
            far to the west, could bring a dangerous storm surge to the southern coasts of
            the Calder Isles later this week.

            The timing is the concern. The storm is expected to arrive close to a spring
            tide, when the normal high tide is already at its highest of the month. A surge
            of two metres on top of that could reach streets and farmland that did not
            flood in last winter's storms.

            The Tessaline Meteorological Service said confidence in the track was still
            moderate and would improve over the next two days. Residents of low-lying areas
            have been asked to check their evacuation routes and keep their phones charged.

            The islands' government said it would decide on any evacuation by Wednesday.
            """
        ),
    ),
    ArticleSpec(
        section="science",
        headline="Winter storm surges are a fifth higher than in the 1990s, study finds",
        standfirst=(
            "Thirty years of tide-gauge records show the worst surges on the Tessaline coast "
            "are getting higher, and rising sea level explains only part of it."
        ),
        author=MAYA,
        at=ago(3, 0, days=3),
        body=md(
            """
            The height of the most extreme winter storm surges around the Tessaline Sea has
            risen by about a fifth since the early 1990s, according to an analysis of
            thirty years of records from 96 tide gauges.

            Rising sea level accounts for roughly half of the change, the researchers
            found. The rest comes from the storms themselves: the strongest winter systems
            now track further south than they did, pushing water into shallow bays that
            amplify the surge.

            "A surge is a local event with a regional cause," the study's lead author said.
            "The same storm can raise the water by forty centimetres on an open coast and
            by two metres at the head of a narrow bay."

            The team has published its data openly, and says the findings argue for
            warnings shared across borders, since the storms that flood one state's bays
            pass its neighbours' gauges hours earlier.
            """
        ),
    ),
    ArticleSpec(
        section="business",
        headline="Insurers reprice coastal risk as flood claims hit a ten-year high",
        standfirst=(
            "Home insurance premiums on the Tessaline coast are set to rise, but shared "
            "surge warnings could slow the increase."
        ),
        author=DANIEL,
        at=ago(9, 0, days=1),
        body=md(
            """
            Insurers across the Tessaline region paid out more for coastal flooding last
            year than in any year for a decade, and households in low-lying areas should
            expect higher premiums at renewal, according to the region's insurers'
            federation.

            The federation said claims had been driven less by the number of floods than by
            their reach: water got into homes that had never flooded before, many of them
            insured at rates that assumed they never would.

            Underwriters are now pricing flood risk street by street, using new elevation
            maps. For homes on the lowest ground, premiums could double; for most homes
            away from the shore, the change will be small.

            The industry has been one of the loudest supporters of a shared regional
            warning network. Insurers argue that a few days' notice lets people move cars,
            furniture and stock, and that cheaper claims eventually mean cheaper cover.
            """
        ),
    ),
    ArticleSpec(
        section="business",
        headline="Ferry operator orders six battery-electric vessels in €900m deal",
        standfirst=(
            "The ships will serve the busiest short crossings between the Calder Isles and "
            "the mainland from 2029."
        ),
        author=MAYA,
        at=ago(5, 0, days=4),
        body=md(
            """
            The region's largest ferry operator has ordered six battery-electric ships in a
            deal worth about €900m, the biggest single order of its kind on the Tessaline
            Sea.

            The vessels will run on the short crossings between the Calder Isles and the
            mainland, where a round trip takes under two hours and the ships can recharge
            at each end while passengers board.

            The company said running costs would fall by about a third once the ships were
            in service, and that the new harbour chargers would be paid for jointly with
            the port authorities.

            Unions welcomed the order, which includes a commitment to train existing crews
            rather than recruit new ones. The first ship is due in 2029.
            """
        ),
    ),
    ArticleSpec(
        section="politics",
        headline="Aldmoor votes: what is at stake in the regional election",
        standfirst=(
            "Rail fares, flood defences and cottage hospitals dominate a campaign that could "
            "end twelve years of Progress government."
        ),
        author=DANIEL,
        at=ago(3, 0, days=3),
        body=md(
            """
            Voters in Aldmoor go to the polls on Thursday in a regional election that
            polls suggest is the closest in more than a decade.

            Aldmoor Progress, which has run the region since it won a majority twelve years
            ago, is campaigning on its record on jobs and a promise to cap regional tax.
            The Green and Harbour Alliance, formed only three years ago from two smaller
            parties, wants to take the regional railway back into public hands and double
            spending on coastal defences.

            In the uplands, Rural Voice is defending seven seats on a single issue: the
            reopening of three cottage hospitals closed in the last parliament.

            The assembly has 61 seats, and 31 are needed for a majority. If no party reaches
            that, the smallest parties may decide who governs.
            """
        ),
    ),
    ArticleSpec(
        section="politics",
        headline="Rail fares and flood walls: five issues that decided the Aldmoor vote",
        standfirst=(
            "The Green and Harbour Alliance won its majority in the coastal wards. Here is why."
        ),
        author=MAYA,
        at=ago(40),
        body=md(
            """
            The Green and Harbour Alliance's first majority in Aldmoor was built on the
            coast. It won nine of the eleven seats along the shore, most of them from
            Aldmoor Progress.

            **Rail fares.** A season ticket from Tern Point to the regional capital has
            risen by 40% in five years. The Alliance's promise to freeze fares was its most
            recognised policy, according to polling before the vote.

            **Flood defences.** Coastal wards that flooded last winter swung hardest. The
            Alliance's plan to double defence spending matched a mood that the Valmora
            summit is now turning into regional policy.

            **Turnout.** At 68.4%, turnout was the highest since the assembly was created,
            and highest of all among voters under 30.

            **Hospitals.** Rural Voice's single-issue campaign held every upland seat, and
            its seven members may still shape the new government's budget.

            **Time.** Progress had governed for twelve years. Even some of its own
            candidates said on the doorstep that voters simply wanted a change.
            """
        ),
    ),
    ArticleSpec(
        section="science",
        headline="Deep-sea survey maps a cold-water coral reef twice the expected size",
        standfirst=(
            "Robotic submarines found the reef stretching for 38 kilometres along an "
            "underwater ridge off Kestland."
        ),
        author=DANIEL,
        at=ago(7, 0, days=2),
        body=md(
            """
            A survey using robotic submarines has mapped a cold-water coral reef off the
            coast of Kestland that is more than twice as large as scientists had estimated,
            stretching for 38 kilometres along an underwater ridge.

            Cold-water corals grow slowly in darkness, hundreds of metres down, feeding on
            particles that drift from the surface. Reefs like this one can be thousands of
            years old and shelter hundreds of species of fish and invertebrates.

            The survey team spent three weeks at sea, sending two autonomous vehicles along
            the ridge to build a detailed sonar map and take more than 60,000 photographs.

            Parts of the reef showed scars from bottom trawling. The researchers have asked
            Kestland's government to extend a protected area that currently covers less
            than a fifth of it.
            """
        ),
    ),
    ArticleSpec(
        section="science",
        headline="Smartwatch alerts cut time to stroke treatment in hospital trial",
        standfirst=(
            "Patients whose watches flagged an irregular heartbeat reached a specialist "
            "weeks sooner, a two-year study reports."
        ),
        author=MAYA,
        at=ago(2, 0, days=5),
        body=md(
            """
            Patients who received an alert from a smartwatch about an irregular heartbeat
            saw a heart specialist on average seven weeks sooner than those diagnosed in the
            usual way, according to a two-year trial at three hospitals in Ostrenia.

            The trial followed about 4,000 adults over 65. Half were given watches that
            checked their pulse rhythm; the other half had routine check-ups with their
            family doctor.

            Earlier diagnosis matters because an irregular heartbeat raises the risk of
            stroke, and treatment with blood thinners reduces it sharply. The trial was not
            large enough to show a difference in strokes themselves.

            The researchers cautioned that about one alert in five turned out to be a false
            alarm, which added to waiting lists for heart tests.
            """
        ),
    ),
    ArticleSpec(
        section="sport",
        headline="Harbour City clinch the league title with a stoppage-time winner",
        standfirst=(
            "A header in the 94th minute at Marsh Lane ended a nineteen-year wait for the "
            "championship."
        ),
        author=DANIEL,
        at=ago(16, 0, days=1),
        body=md(
            """
            Harbour City are champions for the first time in nineteen years after a
            stoppage-time header from their captain beat Kettle Bridge 2-1 at a rain-soaked
            Marsh Lane.

            City needed a win to finish above their rivals on goal difference and looked to
            have let it slip when the visitors equalised with ten minutes left. But a corner
            in the fourth minute of added time was met at the near post, and the ground
            erupted.

            The captain, who joined the club's academy at the age of nine, said afterwards
            that he had "dreamt about this since I was a ball boy at this end of the pitch".

            The title parade is planned for Sunday, along the harbour front.
            """
        ),
    ),
    ArticleSpec(
        section="sport",
        headline="Lusinian crew breaks course record at the Valmora regatta",
        standfirst="The eight won by three lengths in calm water on the harbour course.",
        author=MAYA,
        at=ago(8, 0, days=6),
        body=md(
            """
            Lusinia's men's eight broke the course record at the Valmora regatta on
            Saturday, winning the final by three lengths in near-perfect conditions on the
            harbour course.

            The crew, who finished fourth at last year's championships, led from the first
            500 metres and finished in a time more than two seconds under the old record.

            In the women's eight, the Calder Isles won their first title at the regatta,
            holding off a late challenge from Ostrenia by a quarter of a length.

            The regatta's organisers said the calm weather had brought record crowds to the
            harbour walls.
            """
        ),
    ),
    ArticleSpec(
        section="culture",
        headline="Review: The Salt Archive turns a drowned village into haunting theatre",
        standfirst=(
            "A touring production built from residents' recordings brings a flooded coastal "
            "community back to life, one voice at a time."
        ),
        author=DANIEL,
        at=ago(12, 0, days=2),
        body=md(
            """
            There is no set in The Salt Archive, only a wooden floor, a row of chairs and
            eleven old cassette players. Over ninety minutes, the five actors play
            recordings made by the people of a village that was abandoned to the sea two
            winters ago, and speak their words back to us.

            It could have been a lecture. It is instead one of the most moving evenings in
            the theatre this year: a school caretaker lists the classrooms in order, a
            woman remembers the smell of the bakery at four in the morning, and a boy
            describes the night the water came through the door.

            The production never tells the audience what to think about sea walls or
            retreat. It simply insists that a place is its people, and that they were there.

            The Salt Archive tours coastal towns until the spring.
            """
        ),
    ),
    ArticleSpec(
        section="culture",
        headline="Valmora's central library reopens after a three-year restoration",
        standfirst="The 1908 building has a new floor for teenagers and a roof garden.",
        author=MAYA,
        at=ago(6, 0, days=4),
        body=md(
            """
            Valmora's central library has reopened after a three-year restoration that
            repaired its copper dome, cleaned a century of soot from its reading room and
            added a floor given over entirely to teenagers.

            The new floor has study booths, a recording studio and no rule about talking.
            Librarians said it was designed with a panel of local students, who asked for
            "somewhere warm to go that isn't a shop".

            The library's roof, closed to the public for decades, is now a small garden
            with a view over the harbour.

            More than 6,000 people visited on the first day.
            """
        ),
    ),
    ArticleSpec(
        section="world/asia",
        headline="Island ferry network to link twelve towns before the monsoon",
        standfirst=(
            "New routes will give remote island communities a daily connection to hospitals "
            "and markets."
        ),
        author=DANIEL,
        at=ago(4, 0, days=1),
        body=md(
            """
            A new ferry network will link twelve island towns in the archipelago of Sarawan
            to the mainland port of Kedapan before the monsoon season begins, the regional
            transport authority has said.

            For most of the islands the service will be the first daily connection. Until
            now, residents have relied on fishing boats or a weekly supply vessel to reach
            hospitals and markets.

            The authority has leased four small ferries for the first year and plans to
            build landing stages that can be used in heavy swell.

            Island councils welcomed the plan, but warned that the timetable must hold
            through the monsoon, when the crossings are most needed.
            """
        ),
    ),
    ArticleSpec(
        section="world/americas",
        headline="Port Caraval opens a desalination plant run on offshore wind",
        standfirst="The plant will supply a third of the city's drinking water.",
        author=MAYA,
        at=ago(10, 0, days=3),
        body=md(
            """
            The coastal city of Port Caraval has opened a desalination plant powered by an
            offshore wind farm, which will supply about a third of its drinking water.

            The city has faced water restrictions in four of the past six summers as its
            reservoirs shrank. The new plant can turn 150 million litres of seawater a day
            into drinking water.

            Desalination is energy-hungry, and critics had warned that it would raise the
            city's emissions. The operators say the wind farm will cover the plant's needs
            on most days, with the grid making up the rest.

            Environmental groups are watching the plant's brine outfall, which returns
            concentrated salt water to the sea, and have asked for its monitoring data to be
            published.
            """
        ),
    ),
    ArticleSpec(
        section="world/europe",
        headline="Ostrenia raises its river barrier for the first time this winter",
        standfirst="High tides and heavy rain forced the gates shut on the Oster estuary.",
        author=DANIEL,
        at=ago(14, 0, days=5),
        body=md(
            """
            Ostrenia has closed the gates of its Oster estuary barrier for the first time
            this winter, as a high tide combined with a week of heavy rain upstream.

            The barrier, which protects the capital's riverside districts, was closed for
            nine hours overnight. Engineers said the water outside the gates reached its
            highest level in three years.

            The barrier was designed in the 1970s to close two or three times a year. It now
            closes more than a dozen times in a typical winter, and the government is
            considering whether to raise it.

            The closure came days before the Valmora summit, where Ostrenia is expected
            to be one of the largest contributors to a regional flood-defence fund.
            """
        ),
    ),
]
