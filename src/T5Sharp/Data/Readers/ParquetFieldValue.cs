using System.Collections;
using System.Globalization;

namespace T5Sharp.Data.Readers;

/// <summary>
/// Parquet.Net's untyped values as record values: strings (string or ReadOnlyMemory&lt;char&gt;), numbers (text with the
/// invariant culture), booleans, lists (list columns, e.g. several references) and maps or structs (e.g. "scores").
/// Other values (dates, bytes) become their text.
/// </summary>
static class ParquetFieldValue
{
    public static FieldValue From(object? value) => value switch
    {
        null => FieldValue.Null,
        string s => FieldValue.FromText(s),
        ReadOnlyMemory<char> m => FieldValue.FromText(m.ToString()),
        bool b => FieldValue.FromBoolean(b, b.ToString(CultureInfo.InvariantCulture)),
        byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal =>
            FieldValue.FromNumber(Convert.ToDouble(value, CultureInfo.InvariantCulture), ((IFormattable)value).ToString(null, CultureInfo.InvariantCulture)),
        IDictionary map => FieldValue.FromMembers(Members(map)),
        IList list and not byte[] => FieldValue.FromList(list.Cast<object?>().Select(From).ToArray()),
        IFormattable f => FieldValue.FromText(f.ToString(null, CultureInfo.InvariantCulture)),
        var other => FieldValue.FromText(other.ToString() ?? ""),
    };

    static Dictionary<string, FieldValue> Members(IDictionary map)
    {
        var members = new Dictionary<string, FieldValue>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in map) members[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = From(entry.Value);
        return members;
    }
}
