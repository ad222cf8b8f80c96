package dev.calx.decode.grade;

import dev.calx.decode.grade.AnswerExtractor.Source;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnswerExtractorTest {
    @Test
    void lastBalancedBoxedWinsOverEverythingElse() {
        var e = AnswerExtractor.extract("first \\boxed{1} then \\boxed{\\frac{1}{2}} The answer is 7\n```output\n9\n```");
        assertEquals("\\frac{1}{2}", e.answer());
        assertEquals(Source.BOXED, e.source());
    }

    @Test
    void nestedBracesInsideBoxedAreKept() {
        assertEquals("\\left( 3, \\frac{\\pi}{2} \\right)", AnswerExtractor.lastBoxed("so $\\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}$."));
        assertEquals("\\{1,2\\}", AnswerExtractor.lastBoxed("\\boxed{\\{1,2\\}}"));
    }

    @Test
    void fboxAndSpaceFormAreRead() {
        assertEquals("12", AnswerExtractor.extract("\\fbox{12}").answer());
        assertEquals("5", AnswerExtractor.extract("so $\\boxed 5$ done").answer());
    }

    @Test
    void unclosedBoxedIsNotAnAnswer() {
        assertNull(AnswerExtractor.lastBoxed("\\boxed{\\frac{1}{2}"));
        assertEquals(Source.LAST_NUMBER, AnswerExtractor.extract("\\boxed{\\frac{1}{2}").source());
    }

    @Test
    void theAnswerIsComesSecond() {
        var e = AnswerExtractor.extract("So 3+4 = 7.\nThe answer is $\\frac{7}{2}$.\nmore 99");
        assertEquals("\\frac{7}{2}", e.answer());
        assertEquals(Source.ANSWER_IS, e.source());
    }

    @Test
    void theAnswerIsLineGivesItsMathSpanOrItsNumberNotTheWordsAroundIt() {
        // Minerva's format
        assertEquals("5", AnswerExtractor.extract("Final Answer: The final answer is $5$. I hope it is correct.").answer());
        assertEquals("\\frac{1}{2}", AnswerExtractor.extract("The final answer is $\\frac{1}{2}$. I hope it is correct.").answer());
        assertEquals("x = 3", AnswerExtractor.extract("so the answer is $x = 3$, as checked").answer());
        // words around a number: the number, as MAmmoTH reads numeric answers
        assertEquals("42", AnswerExtractor.extract("Therefore, the answer is 42 apples.").answer());
        assertEquals("1234.5", AnswerExtractor.extract("The answer is 1,234.5 dollars in total").answer());
        assertEquals("42", AnswerExtractor.extract("So the answer is **42**.").answer());
        assertEquals("\\frac{1}{2}", AnswerExtractor.extract("The answer is \\frac{1}{2} cup of sugar.").answer());
        assertEquals("2x + 3", AnswerExtractor.extract("The answer is 2x + 3 for every x").answer());
        assertEquals("3", AnswerExtractor.extract("The answer is therefore 3.").answer());
        // a bare answer, an escaped dollar and a text answer stay as written
        assertEquals("(B)", AnswerExtractor.extract("The answer is (B).").answer());
        assertEquals("\\$42", AnswerExtractor.extract("The answer is \\$42.").answer());
        assertEquals("Evelyn", AnswerExtractor.extract("The answer is Evelyn.").answer());
        assertEquals("10 \\text{ cm}", AnswerExtractor.extract("The answer is 10 \\text{ cm}.").answer());
    }

    @Test
    void lastOutputBlockComesThird() {
        var e = AnswerExtractor.extract("```python\nprint(6*7)\n```\n```output\n42\n```\nDone 3");
        assertEquals("42", e.answer());
        assertEquals(Source.OUTPUT_BLOCK, e.source());
        // an output with words gives the answer in it; a bare one is taken whole
        var words = AnswerExtractor.extract("```output\nworking\nTotal: 1,250 apples\n```");
        assertEquals("1250", words.answer());
        assertEquals(Source.OUTPUT_BLOCK, words.source());
        assertEquals("5", AnswerExtractor.extract("```output\nThe answer is 5.\n```").answer());
        assertEquals("(1, 2)", AnswerExtractor.extract("```output\n(1, 2)\n```").answer());
        assertEquals("True", AnswerExtractor.extract("```output\nTrue\n```").answer());
        assertEquals("sqrt(2)/2", AnswerExtractor.printedAnswer(" sqrt(2)/2\n"));
    }

    @Test
    void aFailedLastProgramGivesNoAnswerNotItsErrorTextOrANumberFromTheCode() {
        for (String error : List.of("NameError: name 'years' is not defined", "ZeroDivisionError: division by zero",
                "Timeout Error", "TimeoutError: the cell exceeded the time limit of 10.0 s", "KeyboardInterrupt",
                "Traceback (most recent call last):\n  File \"<cell>\", line 1\nValueError: bad 3",
                "sympy.core.sympify.SympifyError: 'x'", "printed 12 first\nIndexError: list index out of range")) {
            var e = AnswerExtractor.extract("```python\nx = 12 * 3\nprint(y)\n```\n```output\n" + error + "\n```\n");
            assertEquals(Source.NONE, e.source(), error);
            assertEquals("", e.answer(), error);
            assertTrue(AnswerExtractor.isErrorOutput(error), error);
        }
        // A stated answer still wins, and printed words that merely mention an error are output.
        assertEquals("36", AnswerExtractor.extract("```output\nNameError: name 'y' is not defined\n```\nSo \\boxed{36}").answer());
        for (String output : List.of("42", "Error bars: 3", "the Error is 2", "ValueError count 3", "x = 5\ny = 6")) {
            assertFalse(AnswerExtractor.isErrorOutput(output), output);
        }
        // (not an error: an output, whose words leave its number as the answer)
        var bars = AnswerExtractor.extract("```output\nError bars: 3\n```");
        assertEquals("3", bars.answer());
        assertEquals(Source.OUTPUT_BLOCK, bars.source());
    }

    @Test
    void aFailedLastMathCoderExecutionGivesNoAnswerAndOneThatRanLeavesTheTextsNumber() {
        String code = "<|assistant|><|text|>Each box holds 12.<|endofblock|><|code|>x = 12 * 3\nprint(y)<|endofblock|>";
        // the number came from the code ("12 * 3"): the rule ToRA's output blocks follow
        var failed = AnswerExtractor.extract(code + "<|execution|>NameError: name 'y' is not defined<|endofblock|>");
        assertEquals(Source.NONE, failed.source());
        assertEquals(Source.NONE, AnswerExtractor.extract(code + "<|execution|>Timeout Error<|endofblock|><|endofmessage|>").source());
        assertEquals(Source.NONE, AnswerExtractor.extract(code + "<|execution|>ZeroDivisionError: division by zero").source(),
                "an execution block cut off by the token budget");
        // a stated answer still wins; a program that ran leaves the text's last number, as before
        assertEquals("36", AnswerExtractor.extract(code + "<|execution|>NameError: y<|endofblock|><|text|>So \\boxed{36}.<|endofblock|>").answer());
        var ran = AnswerExtractor.extract(code + "<|execution|>36<|endofblock|><|text|>So 36 + 4 = 40 apples.<|endofblock|><|endofmessage|>");
        assertEquals("40", ran.answer());
        assertEquals(Source.LAST_NUMBER, ran.source());
        // a ToRA output block after an older execution block is read as before
        assertEquals("7", AnswerExtractor.extract("<|execution|>NameError: y<|endofblock|>```output\n7\n```").answer());
    }

    @Test
    void lastNumberIsTheFallbackWithCommasRemoved() {
        var e = AnswerExtractor.extract("She pays 12 dollars, then 1,250.5 more, and -3 is not last: 17");
        assertEquals("17", e.answer());
        assertEquals("1250.5", AnswerExtractor.lastNumber("it is 1,250.5 in total"));
        assertEquals(Source.NONE, AnswerExtractor.extract("no digits here").source());
    }

    @Test
    void gsm8ksHashLineComesBeforeTheLastNumberButNotAMarkdownHeading() {
        // a model that goes on after its marked answer is graded on the marked one
        var e = AnswerExtractor.extract("She has 3 + 4 = 7 bags, 7 * 9 = 63 apples.\n#### 63\n\nQuestion: Tom has 5 pens and 2 bags.");
        assertEquals("63", e.answer());
        assertEquals(Source.HASH_LINE, e.source());
        assertEquals("1234", AnswerExtractor.extract("in total\n  ####  1,234.\r\n").answer());
        // Markdown headings are not answers: the last bare one is, else the last number
        assertEquals("12", AnswerExtractor.extract("#### 12\n#### Step 2: check\n12 - 5 = 7").answer());
        var heading = AnswerExtractor.extract("#### Step 1: the total\n5 + 3 = 8\n#### Final answer\n8 apples");
        assertEquals("8", heading.answer());
        assertEquals(Source.LAST_NUMBER, heading.source());
        assertNull(AnswerExtractor.hashLine("####\n#### \n####   .\n"));
        // boxed, a later "The answer is" and an output block still come first
        assertEquals("5", AnswerExtractor.extract("#### 4\nThe answer is 5").answer());
        // an earlier "the answer is" does not (GSM8K train solutions, verbatim endings)
        var gsm = AnswerExtractor.extract("32 * 0.25 = <<32*0.25=8>>8 who own both.\nThe answer is <<8=8>>8.\n#### 8");
        assertEquals("8", gsm.answer());
        assertEquals(Source.HASH_LINE, gsm.source());
        assertEquals("120", AnswerExtractor.extract("the final answer is 15 gallons * 8 pints / gallon = <<15*8=120>>120 pints\n#### 120").answer());
        assertEquals("6", AnswerExtractor.extract("```python\n#### 4\nprint(6)\n```\n```output\n6\n```").answer());
        // a MathCoder execution that ran leaves the marked answer before the last number
        assertEquals("9", AnswerExtractor.extract("<|execution|>9<|endofblock|>so\n#### 9\nQuestion 2: 11").answer());
        // a prediction that is only the marked line is not a bare answer
        var bare = AnswerExtractor.extractPrediction("#### 72");
        assertEquals("72", bare.answer());
        assertEquals(Source.HASH_LINE, bare.source());
    }

    @Test
    void gsm8kReferenceIsTheNumberAfterHashes() {
        assertEquals("1234", AnswerExtractor.gsm8kReference("He has 1,000 + 234 = <<1000+234=1234>>1234\n#### 1,234"));
        assertNull(AnswerExtractor.gsm8kReference("no marker"));
    }

    @Test
    void aBareAnswerPredictionIsTakenAsItIsAndASolutionIsExtracted() {
        assertEquals(Source.AS_IS, AnswerExtractor.extractPrediction("\\frac{1}{2}").source());
        assertEquals("(1, 2)", AnswerExtractor.extractPrediction(" (1, 2) ").answer());
        assertEquals(Source.AS_IS, AnswerExtractor.extractPrediction("\\text{(C)}").source());
        assertEquals(Source.AS_IS, AnswerExtractor.extractPrediction("\\sqrt{2} + \\sin x").source());
        var solution = AnswerExtractor.extractPrediction("She has 5 apples left, so the answer is 5.");
        assertEquals("5", solution.answer());
        assertEquals(Source.ANSWER_IS, solution.source());
        assertEquals(Source.BOXED, AnswerExtractor.extractPrediction("\\boxed{3}").source());
        assertEquals(Source.NONE, AnswerExtractor.extractPrediction(null).source());
    }

    @Test
    void sympySetsMatricesAndInfinityPrintedByAProgramAreBareAnswers() {
        assertEquals("Union(Interval.open(-oo, -8), Interval(8, oo))",
                AnswerExtractor.printedAnswer("Union(Interval.open(-oo, -8), Interval(8, oo))\n"));
        assertEquals(AnswerExtractor.Source.AS_IS, AnswerExtractor.extractPrediction("Interval.Lopen(0, 1)").source());
        assertEquals(AnswerExtractor.Source.AS_IS, AnswerExtractor.extractPrediction("Matrix([[1], [2]])").source());
        assertEquals(new AnswerExtractor.Extraction("-inf", AnswerExtractor.Source.AS_IS), AnswerExtractor.extractPrediction("-inf"));
    }
}
