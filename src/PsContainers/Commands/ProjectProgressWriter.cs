using System.Management.Automation;
using PsContainers.Core.Compose;

namespace PsContainers.Commands;

/// <summary>
/// Writes a project operation's progress as PowerShell progress records: one parent record for the project
/// ("Start-ContainerProject shop", percent = services done) and one child record per service with its current step
/// (docker compose's per-service lines). Called on the pipeline thread (the orchestrator queues its reports there).
/// </summary>
internal sealed class ProjectProgressWriter
{
    private readonly PSCmdlet _cmdlet;
    private readonly string _activity;
    private readonly int _parentId;
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);
    private readonly int _total;

    public ProjectProgressWriter(PSCmdlet cmdlet, string operation, ContainerProject project)
    {
        _cmdlet = cmdlet;
        _activity = $"{operation} {project.Name}";
        _parentId = Math.Abs(project.Name.GetHashCode(StringComparison.Ordinal) % 100000) + 1;
        _total = Math.Max(1, project.Services.Count);
    }

    /// <summary>Write one service's step (and the project's share of services done).</summary>
    public void Write(ContainerProjectProgress p)
    {
        if (!_ids.TryGetValue(p.Service, out int id)) _ids[p.Service] = id = _parentId + 1 + _ids.Count;
        if (p.Completed) _done.Add(p.Service);
        _cmdlet.WriteProgress(new ProgressRecord(_parentId, _activity, $"{_done.Count} of {_total} services done")
        {
            PercentComplete = Math.Min(100, _done.Count * 100 / _total),
        });
        _cmdlet.WriteProgress(new ProgressRecord(id, p.Service, p.Status)
        {
            ParentActivityId = _parentId,
            RecordType = p.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        });
    }

    /// <summary>Close the project's record.</summary>
    public void Complete() =>
        _cmdlet.WriteProgress(new ProgressRecord(_parentId, _activity, "done") { RecordType = ProgressRecordType.Completed });
}
