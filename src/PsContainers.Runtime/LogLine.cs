namespace PsContainers.Runtime;

/// <summary>One line of the --log file in runc's JSON log format (--log-format json): level, msg, time.</summary>
internal sealed class LogLine
{
    public string Level { get; set; } = "";
    public string Msg { get; set; } = "";
    public string Time { get; set; } = "";
}
