using System.Net;

namespace T5Sharp.Hub;

/// <summary>
/// An HTTP body that streams bytes [offset, offset + length) of a file (a whole LFS object or one part of a multipart
/// upload) and reports each block sent, so a large upload needs no memory of its size and shows its progress.
/// </summary>
internal sealed class FileSliceContent(string path, long offset, long length, Action<long>? onBytes) : HttpContent
{
    const int BufferSize = 1 << 16;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        file.Seek(offset, SeekOrigin.Begin);
        var buffer = new byte[BufferSize];
        for (long left = length; left > 0;)
        {
            int n = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), ct).ConfigureAwait(false);
            if (n == 0) throw new HubException($"{path} became shorter while it was being uploaded; push again once it is written.");
            await stream.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
            left -= n;
            onBytes?.Invoke(n);
        }
    }

    protected override bool TryComputeLength(out long size)
    {
        size = length;
        return true;
    }
}
