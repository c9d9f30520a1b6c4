namespace T5Sharp.Tokenization;

/// <summary>
/// A byte trie over the vocabulary's UTF-8 pieces, built once per tokenizer. Nodes with many children (the root, '▁',
/// common first letters) get a direct 256-entry table; the rest keep their few children in one flat, label-sorted
/// array, so every step of the Viterbi's walk is one lookup or a short scan.
/// </summary>
internal sealed class PieceTrie
{
    const int DenseFrom = 16;
    readonly int[] _dense;        // 256 entries per dense node
    readonly int[] _denseAt;      // per node: offset into _dense, or -1
    readonly int[] _firstChild;   // per node: index into _labels/_targets
    readonly int[] _childCount;
    readonly byte[] _labels;
    readonly int[] _targets;
    readonly int[] _value;        // per node: piece id or -1

    public const int Root = 0;

    public PieceTrie(IEnumerable<(byte[] Bytes, int Id)> pieces)
    {
        var children = new List<SortedDictionary<byte, int>> { new() };
        var values = new List<int> { -1 };
        foreach (var (bytes, id) in pieces)
        {
            int node = 0;
            foreach (byte b in bytes)
            {
                if (!children[node].TryGetValue(b, out int next))
                {
                    next = children.Count;
                    children.Add(new SortedDictionary<byte, int>());
                    values.Add(-1);
                    children[node][b] = next;
                }
                node = next;
            }
            if (values[node] < 0) values[node] = id;
        }
        int nodes = children.Count;
        _firstChild = new int[nodes]; _childCount = new int[nodes]; _value = values.ToArray();
        int edges = children.Sum(c => c.Count);
        _labels = new byte[edges]; _targets = new int[edges];
        int at = 0;
        for (int n = 0; n < nodes; n++)
        {
            _firstChild[n] = at; _childCount[n] = children[n].Count;
            foreach (var (label, target) in children[n]) { _labels[at] = label; _targets[at] = target; at++; }
        }
        _denseAt = new int[nodes];
        int denseNodes = 0;
        for (int n = 0; n < nodes; n++)
            _denseAt[n] = n == Root || children[n].Count >= DenseFrom ? 256 * denseNodes++ : -1;
        _dense = new int[256 * denseNodes];
        Array.Fill(_dense, -1);
        for (int n = 0; n < nodes; n++)
            if (_denseAt[n] >= 0)
                foreach (var (label, target) in children[n]) _dense[_denseAt[n] + label] = target;
    }

    /// <summary>The child of <paramref name="node"/> along <paramref name="label"/>, or -1.</summary>
    public int Next(int node, byte label)
    {
        int d = _denseAt[node];
        if (d >= 0) return _dense[d + label];
        int first = _firstChild[node], end = first + _childCount[node];
        for (int i = first; i < end; i++)
        {
            byte l = _labels[i];
            if (l == label) return _targets[i];
            if (l > label) break;
        }
        return -1;
    }

    /// <summary>The piece id that ends at <paramref name="node"/>, or -1.</summary>
    public int Value(int node) => _value[node];
}
