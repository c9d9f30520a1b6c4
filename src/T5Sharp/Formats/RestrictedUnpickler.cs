using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using static TorchSharp.torch;

namespace T5Sharp.Formats;

/// <summary>
/// A pickle reader for the `data.pkl` that torch.save writes, and for nothing else. Python's own unpickler imports
/// and calls whatever the file names, so a checkpoint can run code; this one only knows a handful of globals
/// (OrderedDict, torch's tensor-rebuild functions, torch's storage types), refuses every other one as soon as it is
/// referenced, and never calls anything: "calling" an allowed global only builds a plain description
/// (<see cref="PickledStorage"/>, <see cref="PickledTensor"/>). Values are long, double, bool, string, null,
/// object?[] (tuple), List&lt;object?&gt; (list) and Dictionary&lt;object, object?&gt; (dict; .NET keeps insertion order).
/// </summary>
internal sealed class RestrictedUnpickler
{
    /// <summary>A global the file referenced and we allowed, e.g. torch._utils._rebuild_tensor_v2.</summary>
    internal sealed record Global(string Module, string Name)
    {
        public string FullName => $"{Module}.{Name}";
    }

    // torch.FooStorage → the dtype its bytes hold. These are the types torch.save writes for each tensor's storage.
    static readonly Dictionary<string, ScalarType> StorageTypes = new()
    {
        ["FloatStorage"] = ScalarType.Float32, ["DoubleStorage"] = ScalarType.Float64,
        ["HalfStorage"] = ScalarType.Float16, ["BFloat16Storage"] = ScalarType.BFloat16,
        ["LongStorage"] = ScalarType.Int64, ["IntStorage"] = ScalarType.Int32, ["ShortStorage"] = ScalarType.Int16,
        ["CharStorage"] = ScalarType.Int8, ["ByteStorage"] = ScalarType.Byte, ["BoolStorage"] = ScalarType.Bool,
    };

    const string RebuildTensor = "torch._utils._rebuild_tensor_v2";
    const string RebuildParameter = "torch._utils._rebuild_parameter";
    const string OrderedDict = "collections.OrderedDict";

    readonly byte[] data;
    readonly string source;
    int pos;
    readonly List<object?> stack = new();
    readonly Stack<List<object?>> marks = new();
    readonly Dictionary<long, object?> memo = new();

    RestrictedUnpickler(byte[] data, string source)
    {
        this.data = data;
        this.source = source;
    }

    /// <summary>Reads one pickled object. <paramref name="source"/> names the file in error messages.</summary>
    public static object? Load(byte[] pickle, string source) => new RestrictedUnpickler(pickle, source).Run();

    object? Run()
    {
        while (true)
        {
            if (pos >= data.Length) throw Corrupt("the pickle ends without a STOP opcode");
            int at = pos;
            byte op = data[pos++];
            switch (op)
            {
                case 0x80: pos++; break; // PROTO n: any protocol up to 5 uses only the opcodes below for a state dict
                case 0x95: Take(8); break; // FRAME: a length hint for buffered readers
                case (byte)'.': return Pop(); // STOP
                case (byte)'(': marks.Push(new List<object?>(stack)); stack.Clear(); break; // MARK
                case (byte)'0': Pop(); break; // POP
                case (byte)'1': PopMark(); break; // POP_MARK
                case (byte)'2': stack.Add(Peek()); break; // DUP
                case (byte)'c': stack.Add(ResolveGlobal(ReadLine(), ReadLine())); break; // GLOBAL
                case 0x93: // STACK_GLOBAL
                {
                    var name = Pop() as string;
                    var module = Pop() as string;
                    if (module is null || name is null) throw Corrupt("STACK_GLOBAL expects two strings");
                    stack.Add(ResolveGlobal(module, name));
                    break;
                }
                case (byte)'q': memo[Take(1)[0]] = Peek(); break; // BINPUT
                case (byte)'r': memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek(); break; // LONG_BINPUT
                case 0x94: memo[memo.Count] = Peek(); break; // MEMOIZE
                case (byte)'h': stack.Add(MemoGet(Take(1)[0])); break; // BINGET
                case (byte)'j': stack.Add(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break; // LONG_BINGET
                case (byte)'}': stack.Add(new Dictionary<object, object?>()); break; // EMPTY_DICT
                case (byte)']': stack.Add(new List<object?>()); break; // EMPTY_LIST
                case (byte)')': stack.Add(Array.Empty<object?>()); break; // EMPTY_TUPLE
                case (byte)'d': stack.Add(ToDict(PopMark())); break; // DICT
                case (byte)'l': stack.Add(PopMark()); break; // LIST
                case (byte)'t': stack.Add(PopMark().ToArray()); break; // TUPLE
                case 0x85: stack.Add(new[] { Pop() }); break; // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); stack.Add(new[] { a, b }); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); stack.Add(new[] { a, b, c }); break; } // TUPLE3
                case (byte)'J': stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break; // BININT
                case (byte)'K': stack.Add((long)Take(1)[0]); break; // BININT1
                case (byte)'M': stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case 0x8a: stack.Add(ReadLong1()); break; // LONG1
                case (byte)'X': stack.Add(ReadUtf8(checked((int)BinaryPrimitives.ReadUInt32LittleEndian(Take(4))))); break; // BINUNICODE
                case 0x8c: stack.Add(ReadUtf8(Take(1)[0])); break; // SHORT_BINUNICODE
                case (byte)'G': stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT
                case (byte)'N': stack.Add(null); break; // NONE
                case 0x88: stack.Add(true); break; // NEWTRUE
                case 0x89: stack.Add(false); break; // NEWFALSE
                case (byte)'Q': stack.Add(PersistentLoad(Pop())); break; // BINPERSID
                case (byte)'R': { var args = Pop(); var callable = Pop(); stack.Add(Reduce(callable, args)); break; } // REDUCE
                case (byte)'b': Build(Pop(), Peek()); break; // BUILD
                case (byte)'s': { var v = Pop(); var k = Pop(); SetItem(Peek(), k, v); break; } // SETITEM
                case (byte)'u': // SETITEMS
                {
                    var items = PopMark();
                    if (items.Count % 2 != 0) throw Corrupt("SETITEMS with an odd number of items");
                    var target = Peek();
                    for (int i = 0; i < items.Count; i += 2) SetItem(target, items[i], items[i + 1]);
                    break;
                }
                case (byte)'a': { var v = Pop(); AsList(Peek()).Add(v); break; } // APPEND
                case (byte)'e': { var items = PopMark(); AsList(Peek()).AddRange(items); break; } // APPENDS
                default:
                    throw new CheckpointException(
                        $"refusing to load {source}: its pickle uses opcode 0x{op:x2} at byte {at}, which torch.save does not write; only tensor data is read");
            }
        }
    }

    object ResolveGlobal(string module, string name)
    {
        var global = new Global(module, name);
        string full = global.FullName;
        bool allowed = full is OrderedDict or RebuildTensor or RebuildParameter
                       || (module == "torch" && StorageTypes.ContainsKey(name));
        if (!allowed)
            throw new CheckpointException($"refusing to load {source}: it references '{full}'; only tensor data is read");
        return global;
    }

    // torch.save stores each storage out of band: the pickle holds ('storage', StorageType, key, location, numel).
    object PersistentLoad(object? pid)
    {
        if (pid is object?[] { Length: 5 } t && t[0] is "storage" && t[1] is Global { Module: "torch" } type
            && StorageTypes.TryGetValue(type.Name, out var dtype) && t[2] is string key && t[4] is long numel)
            return new PickledStorage(key, dtype, numel);
        throw Corrupt("a persistent id is not a torch storage reference ('storage', type, key, location, size)");
    }

    object? Reduce(object? callable, object? args)
    {
        if (callable is not Global g || args is not object?[] a)
            throw Corrupt("REDUCE applied to something other than an allowed global and an argument tuple");
        switch (g.FullName)
        {
            case OrderedDict when a.Length == 0:
                return new Dictionary<object, object?>();
            // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
            case RebuildTensor when a.Length >= 6 && a[0] is PickledStorage s && a[1] is long offset:
                return new PickledTensor(s, offset, Longs(a[2], "size"), Longs(a[3], "stride"));
            // _rebuild_parameter(data, requires_grad, backward_hooks): a Parameter is its tensor for our purposes
            case RebuildParameter when a.Length == 3 && a[0] is PickledTensor p:
                return p;
            default:
                throw Corrupt($"'{g.FullName}' called with arguments it doesn't take in a torch state dict");
        }
    }

    // BUILD sets an object's __dict__; torch.save(module.state_dict()) does that to attach `_metadata` (module versions)
    // to the OrderedDict. Those are attributes, not entries, so the state is read and dropped.
    void Build(object? state, object? target)
    {
        if (target is Dictionary<object, object?> || (target is PickledTensor && state is null or Dictionary<object, object?>))
            return;
        throw Corrupt("BUILD on an object that is neither a dict nor a tensor");
    }

    void SetItem(object? target, object? key, object? value)
    {
        if (target is not Dictionary<object, object?> dict) throw Corrupt("SETITEM on something that is not a dict");
        dict[key ?? throw Corrupt("a dict key is None")] = value;
    }

    List<object?> AsList(object? target) => target as List<object?> ?? throw Corrupt("APPEND on something that is not a list");

    Dictionary<object, object?> ToDict(List<object?> items)
    {
        var dict = new Dictionary<object, object?>();
        if (items.Count % 2 != 0) throw Corrupt("DICT with an odd number of items");
        for (int i = 0; i < items.Count; i += 2) SetItem(dict, items[i], items[i + 1]);
        return dict;
    }

    long[] Longs(object? value, string what) =>
        value is object?[] t && t.All(x => x is long) ? t.Select(x => (long)x!).ToArray()
            : throw Corrupt($"a tensor's {what} is not a tuple of integers");

    object? MemoGet(long index) =>
        memo.TryGetValue(index, out var v) ? v : throw Corrupt($"memo entry {index} is read before it is written");

    object? Pop()
    {
        if (stack.Count == 0) throw Corrupt("the pickle pops from an empty stack");
        var v = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return v;
    }

    object? Peek() => stack.Count > 0 ? stack[^1] : throw Corrupt("the pickle reads from an empty stack");

    List<object?> PopMark()
    {
        if (marks.Count == 0) throw Corrupt("the pickle closes a MARK it never opened");
        var items = new List<object?>(stack);
        stack.Clear();
        stack.AddRange(marks.Pop());
        return items;
    }

    ReadOnlySpan<byte> Take(int n)
    {
        if (n < 0 || pos + n > data.Length) throw Corrupt("the pickle is truncated");
        var span = data.AsSpan(pos, n);
        pos += n;
        return span;
    }

    string ReadUtf8(int n) => Encoding.UTF8.GetString(Take(n));

    string ReadLine()
    {
        int end = Array.IndexOf(data, (byte)'\n', pos);
        if (end < 0) throw Corrupt("the pickle is truncated inside a GLOBAL");
        string s = Encoding.UTF8.GetString(data, pos, end - pos);
        pos = end + 1;
        return s;
    }

    long ReadLong1()
    {
        int n = Take(1)[0];
        var value = new BigInteger(Take(n), isUnsigned: false, isBigEndian: false);
        if (value < long.MinValue || value > long.MaxValue) throw Corrupt("an integer does not fit in 64 bits");
        return (long)value;
    }

    CheckpointException Corrupt(string what) => new($"{source}: corrupt or unsupported pickle at byte {pos}: {what}");
}
