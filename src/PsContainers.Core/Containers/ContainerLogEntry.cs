using System.Globalization;

namespace PsContainers.Core.Containers;

/// <summary>One log record (docker json-file): prints as its text.</summary>
public sealed class ContainerLogEntry
{
    public DateTime Time { get; set; }
    public string Stream { get; set; } = "stdout";
    public string Text { get; set; } = "";
    public string ContainerId { get; set; } = "";
    public string ContainerName { get; set; } = "";
    /// <summary>The compose project of the container (<see cref="Container.Project"/>); null when none.</summary>
    public string? Project { get; set; }
    /// <summary>The compose service of the container (<see cref="Container.Service"/>); null when none.</summary>
    public string? Service { get; set; }
    /// <summary>
    /// What the log view prints before " | " (docker compose logs): the container name minus "&lt;project&gt;-"
    /// (<see cref="ComposeLabels.LogPrefix"/>), padded to the longest of the containers read together; null: no prefix
    /// (Get-ContainerLog sets it with -Project, unless -NoLogPrefix).
    /// </summary>
    public string? Prefix { get; set; }
    /// <summary>False when the record is the first part of a line longer than 16 KiB.</summary>
    public bool Complete { get; set; } = true;
    /// <summary>Print the time before the text (Get-ContainerLog -Timestamps).</summary>
    public bool ShowTimestamp { get; set; }
    public override string ToString() =>
        (Prefix is null ? "" : Prefix + " | ")
        + (ShowTimestamp ? Time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) + " " + Text : Text);
}
