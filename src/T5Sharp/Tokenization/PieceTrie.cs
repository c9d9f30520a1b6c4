namespace T5Sharp.Tokenization;

/// <summary>
/// A byte trie over the vocabulary's UTF-8 pieces, built once per tokenizer. The root has a direct 256-entry table;
/// other nodes keep their few children in one flat, label-sorted array, which keeps a lookup to a short scan.
/// </summary>
internal sealed class PieceTrie
{
    readonly int[] _rootChildren = new int[256];
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
        Array.Fill(_rootChildren, -1);
        foreach (var (label, target) in children[0]) _rootChildren[label] = target;
    }

    /// <summary>The child of <paramref name="node"/> along <paramref name="label"/>, or -1.</summary>
    public int Next(int node, byte label)
    {
        if (node == Root) return _rootChildren[label];
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
