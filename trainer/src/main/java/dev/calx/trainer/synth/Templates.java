package dev.calx.trainer.synth;

import dev.calx.trainer.synth.Template.Step;
import dev.calx.trainer.synth.Template.Var;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog of problem types: money, rates, ages, percentages, fractions, unit conversion,
 * sharing and remainders. Samplers choose numbers so that every division in the steps is exact
 * (remainder problems use explicit mod/div steps), which keeps the Python programs in integers.
 */
public final class Templates {
    private Templates() { }

    private static final String MONEY = "$%s", PLAIN = "%s", PERCENT = "%s%%";

    private static Map<String, Rational> vals(Object... kv) {
        Map<String, Rational> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], Rational.of((Long) kv[i + 1]));
        return m;
    }

    private static Step step(String result, String label, Op op, String a, String b) {
        return new Step(result, label, op, a, b);
    }

    /** Every template, the ones {@link Synthesizer} draws from uniformly. */
    public static final List<Template> ALL = List.of(
            new Template("money.change",
                    List.of(new Var("count_a", PLAIN), new Var("price_a", MONEY), new Var("count_b", PLAIN),
                            new Var("price_b", MONEY), new Var("paid", MONEY)),
                    (r, s) -> {
                        long n1 = r.range(2, 9), p1 = r.scaled(2, 20, s), n2 = r.range(2, 9), p2 = r.scaled(3, 30, s);
                        long paid = n1 * p1 + n2 * p2 + r.scaled(1, 50, s);
                        return vals("count_a", n1, "price_a", p1, "count_b", n2, "price_b", p2, "paid", paid);
                    },
                    List.of("{name} buys {count_a} {item}s for {price_a} each and {count_b} {item2}s for {price_b} each. {name} pays with {paid}. How much change does {name} get?",
                            "At the store, {item}s cost {price_a} each and {item2}s cost {price_b} each. {name} hands the cashier {paid} for {count_a} {item}s and {count_b} {item2}s. How many dollars should {name} get back?",
                            "{name} had {paid} and bought {count_a} {item}s at {price_a} apiece and {count_b} {item2}s at {price_b} apiece. How many dollars does {name} have left?"),
                    List.of(step("cost_a", "Cost of the {item}s", Op.MUL, "count_a", "price_a"),
                            step("cost_b", "Cost of the {item2}s", Op.MUL, "count_b", "price_b"),
                            step("total", "Total cost", Op.ADD, "cost_a", "cost_b"),
                            step("change", "Money left", Op.SUB, "paid", "total"))),
            new Template("money.savings",
                    List.of(new Var("weekly", MONEY), new Var("weeks", PLAIN), new Var("spent", MONEY)),
                    (r, s) -> {
                        long w = r.scaled(5, 50, s), n = r.range(2, 20);
                        return vals("weekly", w, "weeks", n, "spent", r.range(1, w * n - 1));
                    },
                    List.of("{name} saves {weekly} every week for {weeks} weeks and then spends {spent} on a {item}. How much money does {name} have left?",
                            "Every week {name} puts {weekly} into a piggy bank. After {weeks} weeks, {name} takes out {spent} to buy a {item}. How many dollars are still in the piggy bank?"),
                    List.of(step("saved", "Money saved", Op.MUL, "weekly", "weeks"),
                            step("left", "Money left", Op.SUB, "saved", "spent"))),
            new Template("rate.work",
                    List.of(new Var("rate", PLAIN), new Var("hours", PLAIN), new Var("days", PLAIN), new Var("damaged", PLAIN)),
                    (r, s) -> {
                        long rate = r.scaled(3, 40, s), h = r.range(2, 10), d = r.range(2, 15);
                        return vals("rate", rate, "hours", h, "days", d, "damaged", r.range(0, rate * h * d / 3));
                    },
                    List.of("{name} packs {rate} boxes every hour and works {hours} hours a day. After {days} days, {damaged} of the boxes turn out to be damaged. How many undamaged boxes did {name} pack?",
                            "A machine fills {rate} boxes per hour. It runs {hours} hours each day for {days} days, and {damaged} of the boxes it fills are rejected. How many boxes are accepted?"),
                    List.of(step("daily", "Boxes per day", Op.MUL, "rate", "hours"),
                            step("packed", "Boxes in all the days", Op.MUL, "daily", "days"),
                            step("good", "Good boxes", Op.SUB, "packed", "damaged"))),
            new Template("ages.sum",
                    List.of(new Var("age", PLAIN), new Var("times", PLAIN), new Var("years", PLAIN)),
                    (r, s) -> vals("age", r.range(3, 15) * Math.min(s, 10), "times", r.range(2, 5), "years", r.range(1, 20)),
                    List.of("{name} is {age} years old. {name2} is {times} times as old as {name}. What will be the sum of their ages in {years} years?",
                            "{name2}'s age is {times} times {name}'s age, and {name} is {age} years old. How old will {name} and {name2} be together {years} years from now?"),
                    List.of(step("age_b", "{name2}'s age now", Op.MUL, "age", "times"),
                            step("sum_now", "Sum of their ages now", Op.ADD, "age", "age_b"),
                            step("added", "Years the two of them add", Op.MUL, "years", "2"),
                            step("sum_later", "Sum of their ages later", Op.ADD, "sum_now", "added"))),
            new Template("percent.discount",
                    List.of(new Var("price", MONEY), new Var("percent", PERCENT), new Var("count", PLAIN)),
                    (r, s) -> vals("price", 20 * r.scaled(1, 50, s), "percent", 5 * r.range(1, 18), "count", r.range(2, 12)),
                    List.of("A {item} normally costs {price}. During a sale its price is reduced by {percent}. How many dollars do {count} {item}s cost during the sale?",
                            "{name} wants {count} {item}s. Each one is priced at {price}, but the shop gives a {percent} discount. How many dollars does {name} pay in total?"),
                    List.of(step("hundredths", "Price times the percentage", Op.MUL, "price", "percent"),
                            step("discount", "Discount per {item}", Op.DIV, "hundredths", "100"),
                            step("sale_price", "Sale price of one {item}", Op.SUB, "price", "discount"),
                            step("total", "Total cost", Op.MUL, "sale_price", "count"))),
            new Template("fraction.leftover",
                    List.of(new Var("total", PLAIN), new Var("num", PLAIN), new Var("den", PLAIN), new Var("eaten", PLAIN)),
                    (r, s) -> {
                        long den = r.range(2, 10), num = r.range(1, den - 1), total = den * r.scaled(2, 30, s);
                        long green = total - total * num / den;
                        return vals("total", total, "num", num, "den", den, "eaten", r.range(0, green));
                    },
                    List.of("A basket holds {total} {fruit}s. {num}/{den} of them are red and the rest are green. {name} eats {eaten} of the green ones. How many green {fruit}s are left?",
                            "{name} picked {total} {fruit}s; {num}/{den} of them were red and the others green. After eating {eaten} green ones, how many green {fruit}s does {name} still have?"),
                    List.of(step("parts", "Total times the numerator", Op.MUL, "total", "num"),
                            step("red", "Red {fruit}s", Op.DIV, "parts", "den"),
                            step("green", "Green {fruit}s", Op.SUB, "total", "red"),
                            step("left", "Green {fruit}s left", Op.SUB, "green", "eaten"))),
            new Template("units.distance",
                    List.of(new Var("km", PLAIN), new Var("m", PLAIN), new Var("days", PLAIN)),
                    (r, s) -> vals("km", r.scaled(1, 9, s), "m", r.range(1, 999), "days", r.range(2, 30)),
                    List.of("{name} runs {km} kilometers and {m} meters every day. How many meters does {name} run in {days} days?",
                            "Each day {name} walks a route that is {km} km and {m} m long. How many meters is that over {days} days?"),
                    List.of(step("km_in_m", "Kilometers in meters", Op.MUL, "km", "1000"),
                            step("daily", "Meters per day", Op.ADD, "km_in_m", "m"),
                            step("total", "Meters in all", Op.MUL, "daily", "days"))),
            new Template("units.time",
                    List.of(new Var("hours", PLAIN), new Var("minutes", PLAIN), new Var("count", PLAIN)),
                    (r, s) -> vals("hours", r.scaled(1, 5, s), "minutes", r.range(1, 59), "count", r.range(2, 25)),
                    List.of("Each video in {name}'s course is {hours} hours and {minutes} minutes long. How many minutes do {count} videos last?",
                            "A {item} factory shift lasts {hours} hours and {minutes} minutes. How many minutes are {count} shifts?"),
                    List.of(step("hours_in_min", "Hours in minutes", Op.MUL, "hours", "60"),
                            step("each", "Minutes each", Op.ADD, "hours_in_min", "minutes"),
                            step("total", "Minutes in all", Op.MUL, "each", "count"))),
            new Template("sharing.remainder",
                    List.of(new Var("bags", PLAIN), new Var("per_bag", PLAIN), new Var("friends", PLAIN)),
                    (r, s) -> vals("bags", r.scaled(2, 20, s), "per_bag", r.range(3, 30), "friends", r.range(3, 12)),
                    List.of("{name} buys {bags} bags with {per_bag} candies in each bag and shares the candies equally among {friends} friends, giving each friend as many as possible. How many candies are left over?",
                            "There are {bags} bags of {per_bag} marbles. {name} splits all the marbles evenly among {friends} children so that each child gets the same number and as many as possible. How many marbles remain?"),
                    List.of(step("total", "Total", Op.MUL, "bags", "per_bag"),
                            step("left", "Left over", Op.MOD, "total", "friends"))),
            new Template("sharing.each",
                    List.of(new Var("boxes", PLAIN), new Var("per_box", PLAIN), new Var("extra", PLAIN), new Var("kids", PLAIN)),
                    (r, s) -> vals("boxes", r.scaled(2, 20, s), "per_box", r.range(4, 24), "extra", r.range(1, 30), "kids", r.range(2, 12)),
                    List.of("{name} has {boxes} boxes of {per_box} crayons and {extra} loose crayons. The crayons are shared equally among {kids} kids, each getting as many as possible. How many crayons does each kid get?",
                            "A teacher has {boxes} packs with {per_box} stickers in each pack, plus {extra} single stickers. She gives the same number of stickers to each of {kids} students, as many as possible. How many stickers does each student get?"),
                    List.of(step("in_boxes", "In the boxes", Op.MUL, "boxes", "per_box"),
                            step("total", "Total", Op.ADD, "in_boxes", "extra"),
                            step("each", "Each gets", Op.FLOORDIV, "total", "kids"))),
            new Template("percent.growth",
                    List.of(new Var("people", PLAIN), new Var("percent", PERCENT)),
                    (r, s) -> vals("people", 10000 * r.scaled(1, 30, s), "percent", r.range(1, 20)),
                    List.of("A town has {people} people. Its population grows by {percent} every year. What will the population be after 2 years?",
                            "The population of a city is {people} and it increases by {percent} each year. How many people will live there 2 years from now?"),
                    List.of(step("g1_parts", "First year: population times the percentage", Op.MUL, "people", "percent"),
                            step("g1", "Growth in the first year", Op.DIV, "g1_parts", "100"),
                            step("after1", "Population after 1 year", Op.ADD, "people", "g1"),
                            step("g2_parts", "Second year: population times the percentage", Op.MUL, "after1", "percent"),
                            step("g2", "Growth in the second year", Op.DIV, "g2_parts", "100"),
                            step("after2", "Population after 2 years", Op.ADD, "after1", "g2"))),
            new Template("rate.travel",
                    List.of(new Var("distance", PLAIN), new Var("speed", PLAIN), new Var("wait", PLAIN)),
                    (r, s) -> {
                        long speed = r.scaled(20, 120, s), hours = r.range(2, 12);
                        return vals("distance", speed * hours, "speed", speed, "wait", r.range(1, 6));
                    },
                    List.of("A train covers {distance} km at a steady {speed} km per hour and then waits {wait} hours at the station. How many hours does this take in total?",
                            "{name} drives {distance} kilometers at {speed} kilometers per hour, then rests for {wait} hours. How many hours pass from start to finish?"),
                    List.of(step("driving", "Hours of travel", Op.DIV, "distance", "speed"),
                            step("total", "Hours in total", Op.ADD, "driving", "wait"))));

    /** First names for the {@code {name}} and {@code {name2}} fillers. */
    public static final List<String> NAMES = List.of("Ava", "Ben", "Chloe", "Daniel", "Emma", "Farid", "Grace", "Hugo",
            "Isla", "Jamal", "Kira", "Liam", "Mei", "Noah", "Olga", "Pedro", "Quinn", "Rosa", "Sam", "Tara");
    /** Things bought or counted, for {@code {item}} and {@code {item2}}. */
    public static final List<String> ITEMS = List.of("notebook", "pen", "ticket", "lamp", "book", "mug", "shirt", "toy car",
            "plant", "puzzle");
    /** Fruits, for {@code {fruit}}. */
    public static final List<String> FRUITS = List.of("apple", "pear", "plum", "lemon", "orange");
}
