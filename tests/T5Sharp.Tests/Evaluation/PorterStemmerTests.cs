using T5Sharp.Evaluation;

namespace T5Sharp.Tests.Evaluation;

/// <summary>Outputs of nltk's PorterStemmer (NLTK_EXTENSIONS) as listed in nltk's stem doctest and docstrings.</summary>
public class PorterStemmerTests
{
    [Theory]
    [InlineData("caresses", "caress")]
    [InlineData("flies", "fli")]
    [InlineData("dies", "die")]
    [InlineData("mules", "mule")]
    [InlineData("denied", "deni")]
    [InlineData("died", "die")]
    [InlineData("agreed", "agre")]
    [InlineData("owned", "own")]
    [InlineData("humbled", "humbl")]
    [InlineData("sized", "size")]
    [InlineData("meeting", "meet")]
    [InlineData("stating", "state")]
    [InlineData("siezing", "siez")]
    [InlineData("itemization", "item")]
    [InlineData("sensational", "sensat")]
    [InlineData("traditional", "tradit")]
    [InlineData("reference", "refer")]
    [InlineData("colonizer", "colon")]
    [InlineData("plotted", "plot")]
    [InlineData("dying", "die")]
    [InlineData("skies", "sky")]
    public void Stem_MatchesNltk(string word, string expected) => Assert.Equal(expected, new PorterStemmer().Stem(word));
}
