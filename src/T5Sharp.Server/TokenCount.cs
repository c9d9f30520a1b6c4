using T5Sharp.Modeling;

namespace T5Sharp.Server;

/// <summary>Tokens a sequence generated, as OpenAI's usage counts them: after the start token, up to and with EOS, no padding.</summary>
public static class TokenCount
{
    public static int Generated(long[] sequence, T5Config config)
    {
        int n = 0;
        for (int i = 1; i < sequence.Length; i++)
        {
            n++;
            if (sequence[i] == config.EosTokenId) break;
        }
        return n;
    }

    /// <summary>"stop" when the sequence ended with EOS, "length" when it ran out of tokens.</summary>
    public static string FinishReason(long[] sequence, T5Config config) =>
        sequence.Skip(1).Contains(config.EosTokenId) ? "stop" : "length";
}
