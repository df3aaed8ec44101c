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

    public ProjectProgressWriter(PSCmdlet cmdlet, string operation, ContainerProject project) : this(cmdlet, operation, project.Name, project.Services.Count) { }

    /// <param name="services">The number of services the operation goes over; 0 when not known (no percentage is shown then).</param>
    public ProjectProgressWriter(PSCmdlet cmdlet, string operation, string project, int services)
    {
        _cmdlet = cmdlet;
        _activity = $"{operation} {project}";
        _parentId = Math.Abs(project.GetHashCode(StringComparison.Ordinal) % 100000) + 1;
        _total = services;
    }

    /// <summary>Write one service's step (and the project's share of services done).</summary>
    public void Write(ContainerProjectProgress p)
    {
        if (!_ids.TryGetValue(p.Service, out int id)) _ids[p.Service] = id = _parentId + 1 + _ids.Count;
        if (p.Completed) _done.Add(p.Service);
        _cmdlet.WriteProgress(new ProgressRecord(_parentId, _activity, _total > 0 ? $"{_done.Count} of {_total} services done" : $"{_done.Count} services done")
        {
            PercentComplete = _total > 0 ? Math.Min(100, _done.Count * 100 / _total) : -1,
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
