using System.Text.Json;
using System.Text.RegularExpressions;

namespace T5Sharp.Formats;

/// <summary>
/// A System.Text.Json error in a user's words: "key 'd_model' (line 3): expected a whole number" rather than
/// "The JSON value could not be converted to System.Int32. Path: $.d_model | LineNumber: 2 | BytePositionInLine: 14."
/// </summary>
public static partial class JsonErrorText
{
    public static string Of(JsonException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string where = e.LineNumber is long line ? $"line {line + 1}" : "";
        string? key = e.Path is { Length: > 1 } p ? p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : p.TrimStart('$') : null;
        var converted = ConvertedTo().Match(e.Message);
        string what = converted.Success ? "expected " + Describe(converted.Groups[1].Value) : Details().Replace(e.Message, "").Trim();
        string place = key is null ? where : where.Length == 0 ? $"key '{key}'" : $"key '{key}' ({where})";
        return place.Length == 0 ? what : $"{place}: {what}";
    }

    static string Describe(string type) => type.Replace("System.Nullable`1[", "").TrimEnd(']') switch
    {
        "System.Int32" or "System.Int64" or "System.Int16" => "a whole number",
        "System.UInt32" or "System.UInt64" => "a whole number of 0 or more",
        "System.Double" or "System.Single" or "System.Decimal" => "a number",
        "System.Boolean" => "true or false",
        "System.String" => "a string",
        var t when t.Contains("List", StringComparison.Ordinal) || t.EndsWith("[]", StringComparison.Ordinal) => "a list",
        var t when t.Contains("Dictionary", StringComparison.Ordinal) => "an object",
        _ => "a value of another kind",
    };

    [GeneratedRegex(@"could not be converted to ([^ .]+(?:\.[^ .]+)*[^ .]*)\.?")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex(@"\s*(Path: \S*\s*\|?\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.?|\s*Path: \S+\.?")]
    private static partial Regex Details();
}
