"""Builds tests/gold/NAME.txt and NAME.gold.json from the LF sources here.

Annotations name each span by its exact text (and which occurrence); this
script finds the byte offsets so that nobody counts bytes by hand.
"""
import json, pathlib

HERE = pathlib.Path(__file__).parent
OUT = HERE.parent
F, A, N = "favor", "against", "neutral"
POS, NEG, NEU = "positive", "negative", "neutral"

ARTICLES = {
  "ice-nypd-mamdani": {"transform": None, "quotes": [
    ("an agency that respects you,", "ICE", [("NYPD", F, POS)]),
    ("some officers may consider resigning or leaving the city", None, [("Zohran Mamdani", A, NEG)]),
    ("communist", "Donald Trump", [("Zohran Mamdani", A, NEG), ("New York City", A, NEG)]),
    ("he is willing to work with the president on reducing the city’s cost of living — his main campaign priority", "Zohran Mamdani", [("Donald Trump", F, NEU)]),
    ("everyone will be held to the same standard of the law.", "Zohran Mamdani", [("ICE", A, NEU)]),
    ("accountability for both public officials and law enforcement agents, pledging consistency and fairness during his term", "Zohran Mamdani", []),
    ("to intensify ICE operations in New York following the election", "DHS", [("ICE", F, NEU), ("New York City", A, NEG)]),
    ("rogue agency", "Zohran Mamdani", [("ICE", A, NEG)]),
  ]},
  "harbor-bridge-tolls": {"transform": "crlf", "quotes": [
    ("responsible and overdue", "Helen Okafor", [("Port Alder City Council", F, POS)]),
    ("The council did the hard thing tonight, and I am grateful to every member who stood up for the bridge,", "Helen Okafor", [("Port Alder City Council", F, POS)]),
    ("The Port Alder Transit Authority now has the money it needs to start work this summer.", "Helen Okafor", [("PATA", F, POS)]),
    ("the increase would fall hardest on workers who commute from the east side", "Daniel Reyes", []),
    ("the mayor of ignoring cheaper options, including a state loan that he argued could have covered most of the cost", "Daniel Reyes", [("Helen Okafor", A, NEG)]),
    ("Helen Okafor is asking the people with the least to pay the most. I have offered three alternatives since spring, and the mayor’s office has not answered a single one.\n\n“This is not a plan. It is a bill handed to the east side,", "Daniel Reyes", [("Helen Okafor", A, NEG)]),
    ("the schedule", "PATA", []),
    ("further delays would force it to close two lanes of the bridge by next winter", "PATA", []),
    ("inspectors had found corrosion on several support cables", "Samuel Tran", []),
    ("We are not raising tolls because we want to,", "Samuel Tran", []),
    ("We are raising them because the cables will not fix themselves.", "Samuel Tran", []),
    ("to challenge the vote in court", "Citizens for Fair Tolls", []),
    ("a betrayal", "Marisol Vega", [("Helen Okafor", A, NEG)]),
  ]},
  "school-board-novel": {"transform": "bom", "quotes": [
    ("the district had followed its own review policy to the letter", "Priya Nair", []),
    ("The committee read the whole book, not just the pages someone photocopied,", "Priya Nair", []),
    ("When a parent told me the novel was ‘pure poison,’ I asked her which chapter she meant, and she could not tell me.", "Priya Nair", []),
    ("several scenes were too violent for ninth graders and insisted that parents deserved a vote on the curriculum", "Gregory Holt", []),
    ("Dr. Nair and her colleagues have made it clear they do not trust parents, while teachers like Ms. Abbott have treated our concerns with respect,", "Gregory Holt", [("Priya Nair", A, NEG), ("Laura Abbott", F, POS)]),
    ("to support challengers in next year’s board elections", "Gregory Holt", []),
    ("the decision but warned that the fight had taken a toll on staff", "Laura Abbott", []),
    ("My students wrote some of their best essays this year about that book,", "Laura Abbott", []),
    ("One of them told me, ‘It was the first time a novel felt like it was about my town.’ That is what we almost lost.", "Laura Abbott", []),
    ("the vote", "LCTA", []),
    ("keep standing beside teachers and librarians", "LCTA", []),
  ]},
  "steel-plant-closure": {"transform": None, "quotes": [
    ("Harlow Steel Works will close its plant in Marrow Falls by the end of the year, eliminating about 900 jobs", "Harlow Steel Works", [("Marrow Falls", N, NEU)]),
    ("the plant had lost money for five straight years", "Victor Lindqvist", []),
    ("We tried everything we could to keep Marrow Falls open, but the market for our products has collapsed,", "Victor Lindqvist", [("Marrow Falls", N, NEU)]),
    ("This is the hardest decision I have made in this job.", "Victor Lindqvist", []),
    ("the closure and accused the company of planning it for months while promising workers that their jobs were safe", "UMU", [("Harlow Steel Works", A, NEG)]),
    ("members had agreed to wage cuts in 2022 to keep the plant running", "Denise Carver", []),
    ("Harlow asked us for sacrifices and we made them. Now they are walking away with the profits,", "Denise Carver", [("Harlow Steel Works", A, NEG)]),
    ("Governor Whitfield has been a real friend to these families, and we are asking her to hold this company to its promises.", "Denise Carver", [("Anne Whitfield", F, POS), ("Harlow Steel Works", A, NEG)]),
    ("the state would offer retraining grants to every laid-off worker", "Anne Whitfield", []),
    ("unacceptable.", "Anne Whitfield", [("Harlow Steel Works", A, NEG)]),
    ("the town would lose nearly a third of its tax revenue", "Tom Brandt", [("Marrow Falls", N, NEG)]),
    ("People here built this company,", "Tom Brandt", []),
    ("They deserve better than a press release.", "Tom Brandt", []),
    ("the closure could ripple through local businesses", "Calder University", []),
    ("similar closures in the region had been followed by sharp drops in school enrollment and home values", "Ruth Adeyemi", []),
    ("it would keep a small office in Marrow Falls to handle pensions and environmental cleanup at the site", "Harlow Steel Works", [("Marrow Falls", N, NEU)]),
  ]},
  "basin-drought": {"transform": None, "quotes": []},
  "senate-debate": {"transform": None, "quotes": [
    ("Pruitt of wanting to cut Medicare to pay for tax breaks", "Margaret Hollis", [("Walter Pruitt", A, NEG)]),
    ("Walter Pruitt had eight years to fix our hospitals. What did he do? He closed four of them!", "Margaret Hollis", [("Walter Pruitt", A, NEG)]),
    ("recycled nonsense", "Walter Pruitt", [("Margaret Hollis", A, NEG)]),
    ("I don't answer to Washington. I answer to the people of this state,", "Walter Pruitt", [("Washington", A, NEG)]),
    ("she supported it", "Margaret Hollis", []),
    ("he would support it only if the Department of Defense guaranteed local hiring", "Walter Pruitt", [("Department of Defense", N, NEU)]),
    ("finish the wall", "Walter Pruitt", []),
    ("heroic work under impossible conditions.", "Walter Pruitt", [("Border Patrol", F, POS)]),
    ("her performance", "National Nurses Guild", [("Margaret Hollis", F, POS)]),
    ("stood up for every nurse and patient in this state.", "National Nurses Guild", [("Margaret Hollis", F, POS)]),
    ("has been in Margaret Hollis's pocket for years.", "Walter Pruitt", [("Margaret Hollis", A, NEG), ("National Nurses Guild", A, NEG)]),
  ]},
}

for name, spec in ARTICLES.items():
    text = (HERE / f"{name}.txt").read_text(encoding="utf-8")
    nl = "\n"
    if spec["transform"] == "crlf":
        text = text.replace("\n", "\r\n"); nl = "\r\n"
    elif spec["transform"] == "bom":
        text = "\ufeff" + text
    data = text.encode("utf-8")
    (OUT / f"{name}.txt").write_bytes(data)
    quotes = []
    for q in spec["quotes"]:
        snippet, speaker, actors = q[0], q[1], q[2]
        occurrence = q[3] if len(q) > 3 else 0
        needle = snippet.replace("\n", nl).encode("utf-8")
        pos = -1
        for _ in range(occurrence + 1):
            pos = data.find(needle, pos + 1)
            assert pos >= 0, (name, snippet)
        quotes.append({"start": pos, "end": pos + len(needle),
                       "text": needle.decode("utf-8"), "speaker": speaker,
                       "actors": [{"actor": a, "stance": s, "sentiment": t} for a, s, t in actors]})
    quotes.sort(key=lambda q: q["start"])
    gold = {"article": f"{name}.txt", "quotes": quotes}
    (OUT / f"{name}.gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(name, len(quotes))
