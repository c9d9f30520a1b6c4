namespace T5Sharp.Evaluation;

/// <summary>
/// The Porter stemmer exactly as nltk 3.8's <c>PorterStemmer()</c> in its default NLTK_EXTENSIONS mode, which is what
/// rouge_score 0.1.2 uses. Input must already be lowercase ASCII (rouge_score's tokenizer guarantees that).
/// Rules are tried in order; the first suffix that matches decides, and if its condition fails no later rule is tried
/// (nltk's <c>_apply_rule_list</c>), which is why the rule tables below are order-sensitive.
/// </summary>
public sealed class PorterStemmer
{
    // nltk's irregular-forms pool, consulted before any rule.
    static readonly Dictionary<string, string> Irregular = new(StringComparer.Ordinal)
    {
        ["sky"] = "sky", ["skies"] = "sky", ["dying"] = "die", ["lying"] = "lie", ["tying"] = "tie",
        ["news"] = "news", ["innings"] = "inning", ["inning"] = "inning", ["outings"] = "outing",
        ["outing"] = "outing", ["cannings"] = "canning", ["canning"] = "canning", ["howe"] = "howe",
        ["proceed"] = "proceed", ["exceed"] = "exceed", ["succeed"] = "succeed",
    };

    delegate bool Condition(string stem);
    readonly record struct Rule(string Suffix, string Replacement, Condition? When);

    readonly Rule[] _step1a, _step2, _step3, _step4;

    public PorterStemmer()
    {
        Condition pos = s => Measure(s) > 0;
        Condition gt1 = s => Measure(s) > 1;
        _step1a = [new("sses", "ss", null), new("ies", "i", null), new("ss", "ss", null), new("s", "", null)];
        _step2 =
        [
            new("ational", "ate", pos), new("tional", "tion", pos), new("enci", "ence", pos), new("anci", "ance", pos),
            new("izer", "ize", pos), new("bli", "ble", pos), new("alli", "al", pos), new("entli", "ent", pos),
            new("eli", "e", pos), new("ousli", "ous", pos), new("ization", "ize", pos), new("ation", "ate", pos),
            new("ator", "ate", pos), new("alism", "al", pos), new("iveness", "ive", pos), new("fulness", "ful", pos),
            new("ousness", "ous", pos), new("aliti", "al", pos), new("iviti", "ive", pos), new("biliti", "ble", pos),
            new("fulli", "ful", pos),
            // nltk keeps the 'l' of 'logi' in the stem for the measure test (so 'geo', 'theo' behave like 'philo').
            new("logi", "log", s => Measure(s + "l") > 0),
        ];
        _step3 =
        [
            new("icate", "ic", pos), new("ative", "", pos), new("alize", "al", pos), new("iciti", "ic", pos),
            new("ical", "ic", pos), new("ful", "", pos), new("ness", "", pos),
        ];
        _step4 =
        [
            new("al", "", gt1), new("ance", "", gt1), new("ence", "", gt1), new("er", "", gt1), new("ic", "", gt1),
            new("able", "", gt1), new("ible", "", gt1), new("ant", "", gt1), new("ement", "", gt1), new("ment", "", gt1),
            new("ent", "", gt1), new("ion", "", s => Measure(s) > 1 && s.Length > 0 && (s[^1] == 's' || s[^1] == 't')),
            new("ou", "", gt1), new("ism", "", gt1), new("ate", "", gt1), new("iti", "", gt1), new("ous", "", gt1),
            new("ive", "", gt1), new("ize", "", gt1),
        ];
    }

    /// <summary>Stems one lowercase word. Words of one or two characters are returned unchanged.</summary>
    public string Stem(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (Irregular.TryGetValue(word, out var irregular)) return irregular;
        if (word.Length <= 2) return word;
        var w = Step1a(word);
        w = Step1b(w);
        w = Apply(w, [new("y", "i", s => s.Length > 1 && IsConsonant(s, s.Length - 1))]);
        w = Step2(w);
        w = Apply(w, _step3);
        w = Apply(w, _step4);
        w = Step5a(w);
        return Apply(w, [new("ll", "l", _ => Measure(w[..^1]) > 1)]);
    }

    static bool IsConsonant(string w, int i)
    {
        char c = w[i];
        if (c is 'a' or 'e' or 'i' or 'o' or 'u') return false;
        // 'y' is a consonant at the start or after a vowel, a vowel after a consonant.
        return c != 'y' || i == 0 || !IsConsonant(w, i - 1);
    }

    /// <summary>m in [C](VC){m}[V]: the number of vowel→consonant transitions.</summary>
    static int Measure(string stem)
    {
        int m = 0;
        bool prevVowel = false;
        for (int i = 0; i < stem.Length; i++)
        {
            bool cons = IsConsonant(stem, i);
            if (cons && prevVowel) m++;
            prevVowel = !cons;
        }
        return m;
    }

    static bool ContainsVowel(string stem)
    {
        for (int i = 0; i < stem.Length; i++) if (!IsConsonant(stem, i)) return true;
        return false;
    }

    static bool EndsDoubleConsonant(string w) => w.Length >= 2 && w[^1] == w[^2] && IsConsonant(w, w.Length - 1);

    static bool EndsCvc(string w) =>
        (w.Length >= 3 && IsConsonant(w, w.Length - 3) && !IsConsonant(w, w.Length - 2) && IsConsonant(w, w.Length - 1)
         && w[^1] is not ('w' or 'x' or 'y'))
        || (w.Length == 2 && !IsConsonant(w, 0) && IsConsonant(w, 1));

    static string Apply(string word, Rule[] rules)
    {
        foreach (var r in rules)
        {
            if (!word.EndsWith(r.Suffix, StringComparison.Ordinal)) continue;
            var stem = word[..^r.Suffix.Length];
            return r.When is null || r.When(stem) ? stem + r.Replacement : word;
        }
        return word;
    }

    string Step1a(string w)
    {
        if (w.Length == 4 && w.EndsWith("ies", StringComparison.Ordinal)) return w[..^3] + "ie";
        return Apply(w, _step1a);
    }

    static string Step1b(string w)
    {
        if (w.EndsWith("ied", StringComparison.Ordinal)) return w[..^3] + (w.Length == 4 ? "ie" : "i");
        if (w.EndsWith("eed", StringComparison.Ordinal))
        {
            var s = w[..^3];
            return Measure(s) > 0 ? s + "ee" : w;
        }
        string? stem = null;
        if (w.EndsWith("ed", StringComparison.Ordinal) && ContainsVowel(w[..^2])) stem = w[..^2];
        else if (w.EndsWith("ing", StringComparison.Ordinal) && ContainsVowel(w[..^3])) stem = w[..^3];
        if (stem is null) return w;

        if (stem.EndsWith("at", StringComparison.Ordinal) || stem.EndsWith("bl", StringComparison.Ordinal)
            || stem.EndsWith("iz", StringComparison.Ordinal)) return stem + "e";
        if (EndsDoubleConsonant(stem))
            return stem[^1] is 'l' or 's' or 'z' ? stem : stem[..^1];
        return Measure(stem) == 1 && EndsCvc(stem) ? stem + "e" : stem;
    }

    string Step2(string w)
    {
        // nltk applies ALLI -> AL first and, when it fires, runs step 2 again on the result.
        if (w.EndsWith("alli", StringComparison.Ordinal) && Measure(w[..^4]) > 0) return Step2(w[..^4] + "al");
        return Apply(w, _step2);
    }

    static string Step5a(string w)
    {
        if (!w.EndsWith('e')) return w;
        var s = w[..^1];
        int m = Measure(s);
        return m > 1 || (m == 1 && !EndsCvc(s)) ? s : w;
    }
}
