"""Writes dialogues.jsonl: the demo's dialogue -> summary pairs, generated from seeded templates (no external data).

Run `python3 samples/make_dialogues.py` to regenerate; the output is deterministic."""
import json
import random

NAMES = ["Anna", "Ben", "Carla", "Dan", "Eva", "Finn", "Gina", "Hugo", "Iris", "Jack", "Kim", "Leo", "Mia", "Noah", "Olga", "Paul"]
PLACES = ["the station", "the cafe", "the library", "the park", "the office", "the gym", "the cinema", "the market"]
CITIES = ["Paris", "Berlin", "Madrid", "Rome", "Vienna", "Oslo", "Lisbon", "Prague"]
TIMES = ["9 am", "10 am", "noon", "1 pm", "3 pm", "5 pm", "6 pm", "8 pm"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ITEMS = ["the blue folder", "the charger", "some snacks", "the tickets", "an umbrella", "the keys"]
EVENTS = ["the meeting", "the party", "the dinner", "the match", "the concert"]
MEALS = ["lunch", "dinner", "breakfast", "coffee"]

TEMPLATES = [
    ("{a}: Are we still meeting at {place} at {time}?\n{b}: Yes, see you there.",
     "{a} and {b} will meet at {place} at {time}."),
    ("{a}: I can't come to {event} on {day}.\n{b}: No problem, I'll tell the others.",
     "{a} can't come to {event} on {day}. {b} will tell the others."),
    ("{a}: Could you bring {item} on {day}?\n{b}: Sure, I'll bring it.",
     "{b} will bring {item} on {day}."),
    ("{a}: My train to {city} is {n} minutes late.\n{b}: OK, I'll wait for you at {place}.",
     "{a}'s train to {city} is {n} minutes late. {b} will wait at {place}."),
    ("{a}: Do you want to have {meal} at {place}?\n{b}: I'd love to. How about {time}?\n{a}: Perfect.",
     "{a} and {b} will have {meal} at {place} at {time}."),
    ("{a}: Happy birthday, {b}!\n{b}: Thank you! Come to my party at {place} on {day}.",
     "{b} invites {a} to a party at {place} on {day}."),
]


def main(count=240, seed=7):
    rng = random.Random(seed)
    with open(__file__.replace("make_dialogues.py", "dialogues.jsonl"), "w", encoding="utf-8") as out:
        for i in range(count):
            dialogue, summary = TEMPLATES[i % len(TEMPLATES)]
            a, b = rng.sample(NAMES, 2)
            values = dict(a=a, b=b, place=rng.choice(PLACES), city=rng.choice(CITIES), time=rng.choice(TIMES),
                          day=rng.choice(DAYS), item=rng.choice(ITEMS), event=rng.choice(EVENTS), meal=rng.choice(MEALS),
                          n=rng.choice([5, 10, 15, 20, 30, 45]))
            record = {"id": f"demo_{i}", "dialogue": dialogue.format(**values), "summary": summary.format(**values)}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
