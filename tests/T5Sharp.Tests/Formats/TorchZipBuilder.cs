using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace T5Sharp.Tests.Formats;

/// <summary>
/// Writes small torch-zip checkpoints opcode by opcode, exactly in the layout torch.save uses (see pickletools' listing of
/// the fixtures' pytorch_model.bin), so tests can cover offsets, strides, dtypes and hostile pickles that no fixture has.
/// </summary>
internal sealed class TorchZipBuilder
{
    readonly MemoryStream pickle = new();
    readonly Dictionary<string, byte[]> storages = new();

    public TorchZipBuilder()
    {
        pickle.Write([0x80, 0x02, (byte)'}', (byte)'(']); // PROTO 2, EMPTY_DICT, MARK
    }

    /// <summary>Adds storage <paramref name="key"/> (raw little-endian bytes of <paramref name="numel"/> elements).</summary>
    public TorchZipBuilder Storage(string key, byte[] bytes) { storages[key] = bytes; return this; }

    /// <summary>Adds state-dict entry <paramref name="name"/> = _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict()).</summary>
    public TorchZipBuilder Tensor(string name, string storageType, string key, long numel, long offset, long[] size, long[] stride)
    {
        Unicode(name);
        Global("torch._utils", "_rebuild_tensor_v2");
        Op('('); Op('(');
        Unicode("storage"); Global("torch", storageType); Unicode(key); Unicode("cpu"); Int(numel);
        Op('t'); Op('Q'); // TUPLE, BINPERSID
        Int(offset);
        Op('('); foreach (var s in size) Int(s); Op('t');
        Op('('); foreach (var s in stride) Int(s); Op('t');
        pickle.WriteByte(0x89); // NEWFALSE
        Global("collections", "OrderedDict"); Op(')'); Op('R');
        Op('t'); Op('R');
        return this;
    }

    public void Write(string path, string archive = "archive")
    {
        Op('u'); Op('.'); // SETITEMS, STOP
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Entry(zip, $"{archive}/data.pkl", pickle.ToArray());
        foreach (var (key, bytes) in storages) Entry(zip, $"{archive}/data/{key}", bytes);
        Entry(zip, $"{archive}/version", "3\n"u8.ToArray());
    }

    /// <summary>A torch zip whose data.pkl is <paramref name="pickleBytes"/>, nothing else.</summary>
    public static void WriteRaw(string path, byte[] pickleBytes)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Entry(zip, "archive/data.pkl", pickleBytes);
        Entry(zip, "archive/version", "3\n"u8.ToArray());
    }

    static void Entry(ZipArchive zip, string name, byte[] bytes)
    {
        using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        s.Write(bytes);
    }

    void Op(char c) => pickle.WriteByte((byte)c);

    void Global(string module, string name)
    {
        Op('c');
        pickle.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
    }

    void Unicode(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        Op('X');
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(len, bytes.Length);
        pickle.Write(len);
        pickle.Write(bytes);
    }

    void Int(long v)
    {
        Op('J');
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(b, checked((int)v));
        pickle.Write(b);
    }
}
