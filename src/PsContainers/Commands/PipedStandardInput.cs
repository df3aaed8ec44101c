using System.Management.Automation;
using System.Text;

namespace PsContainers.Commands;

/// <summary>
/// The standard input an -Interactive Invoke-ContainerImage or Invoke-ContainerExec gathers from the pipeline, as a
/// shell pipe into <c>docker run -i</c> / <c>docker exec -i</c> carries it. Bytes go as they are: a [byte] is that one
/// byte, a [byte[]] its bytes, and an object[] that holds bytes only (the blocks of <c>Get-Content -AsByteStream
/// -ReadCount N</c>) its bytes, so <c>[IO.File]::ReadAllBytes('f.bin') | ...</c> and <c>Get-Content f.bin
/// -AsByteStream | ...</c> send the file's bytes, 0x00 and 0xff included. Any other object is one line: its string
/// form (strings as they are, others through PowerShell's conversion, as "$x" writes them) in UTF-8, and "\n". The
/// bytes are kept in memory until the last object, then read once by each process.
/// </summary>
internal sealed class PipedStandardInput
{
    private readonly MemoryStream _bytes = new();

    /// <summary>Appends one pipeline object (see the class summary); null writes an empty line.</summary>
    public void Add(PSObject? item)
    {
        switch (item?.BaseObject)
        {
            case byte b:
                _bytes.WriteByte(b);
                break;
            case byte[] bytes:
                _bytes.Write(bytes);
                break;
            case object[] block when block.Length > 0 && block.All(o => (o is PSObject p ? p.BaseObject : o) is byte):
                // Get-Content -AsByteStream -ReadCount N writes its blocks as object[] of bytes
                foreach (var o in block) _bytes.WriteByte((byte)(o is PSObject p ? p.BaseObject : o));
                break;
            default:
                _bytes.Write(Encoding.UTF8.GetBytes(LanguagePrimitives.ConvertTo<string>(item) + "\n"));
                break;
        }
    }

    /// <summary>A read-only stream over everything added so far, positioned at its start (one per process that reads it).</summary>
    public Stream Open() => new MemoryStream(_bytes.GetBuffer(), 0, (int)_bytes.Length, writable: false);
}
