using TorchSharp;
using static TorchSharp.torch;

namespace T5Sharp.Modeling;

/// <summary>Dropout that costs nothing when it can't change anything (eval mode or rate 0).</summary>
internal static class T5Dropout
{
    public static Tensor Apply(Tensor x, double rate, bool training) =>
        training && rate > 0 ? nn.functional.dropout(x, rate, training: true) : x;
}
