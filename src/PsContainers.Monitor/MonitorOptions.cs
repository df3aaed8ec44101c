using System.Globalization;
using PsContainers.Contract;
using PsContainers.Core.Containers;

namespace PsContainers.Monitor;

/// <summary>pscmon's command line (see <see cref="Program"/> for the usage). RestartCount grows with each restart.</summary>
internal sealed class MonitorOptions
{
    public string Id = "", Dir = "", Bundle = "", Runtime = "/usr/sbin/runc", RuntimeRoot = "";
    public RestartPolicy Restart = RestartPolicy.No;
    public int RestartCount;
    public bool Remove, Foreground, Attach, Stdin, ExecTty, Tty;
    /// <summary>--open-stdin: the container was created with -Interactive; attach clients may write to its stdin.</summary>
    public bool OpenStdin;
    /// <summary>--attach-socket PATH: the attach client mode (<see cref="AttachClient"/>); --detach-keys, --no-stdin go with it.</summary>
    public string? AttachSocket;
    public string? DetachKeys;
    public bool NoStdin;
    public List<string> ExecArgs = new();
    public string? LockFile, ExitCommand, NameFile, Image;
    /// <summary>--volumes-dir: the store's volumes directory, given with --remove (the container's anonymous volumes go too).</summary>
    public string? VolumesDir;
    public List<string> ExitArgs = new();
    /// <summary>The healthcheck the monitor probes (--health-* options, <see cref="HealthConfig.ToMonitorArguments"/>), or null.</summary>
    public HealthConfig? Health;

    /// <summary>Parse the arguments.</summary>
    /// <exception cref="ArgumentException">An unknown argument, a missing value or a missing required option.</exception>
    public static MonitorOptions Parse(string[] a)
    {
        var o = new MonitorOptions();
        for (int i = 0; i < a.Length; i++)
        {
            string Next() => i + 1 < a.Length ? a[++i] : throw new ArgumentException($"{a[i]} needs a value");
            switch (a[i])
            {
                case MonitorFlags.Id: o.Id = Next(); break;
                case MonitorFlags.Dir: o.Dir = Next(); break;
                case MonitorFlags.Bundle: o.Bundle = Next(); break;
                case MonitorFlags.Runtime: o.Runtime = Next(); break;
                case MonitorFlags.RuntimeRoot: o.RuntimeRoot = Next(); break;
                case MonitorFlags.Restart:
                    string r = Next();
                    if (!RestartPolicy.TryParse(r, out o.Restart)) throw new ArgumentException(RestartPolicy.InvalidMessage(r));
                    break;
                case MonitorFlags.RestartCount: o.RestartCount = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case MonitorFlags.Remove: o.Remove = true; break;
                case MonitorFlags.VolumesDir: o.VolumesDir = Next(); break;
                case MonitorFlags.Foreground: o.Foreground = true; break;
                case MonitorFlags.Attach: o.Attach = true; break;
                case MonitorFlags.ExecTty: o.ExecTty = true; break;
                case MonitorFlags.Tty: o.Tty = true; break;
                case MonitorFlags.EndOfOptions:
                    o.ExecArgs.AddRange(a[(i + 1)..]);
                    i = a.Length;
                    break;
                case MonitorFlags.Stdin: o.Stdin = true; break;
                case MonitorFlags.OpenStdin: o.OpenStdin = true; break;
                case MonitorFlags.AttachSocket: o.AttachSocket = Next(); break;
                case MonitorFlags.DetachKeys: o.DetachKeys = Next(); break;
                case MonitorFlags.NoStdin: o.NoStdin = true; break;
                case MonitorFlags.Lock: o.LockFile = Next(); break;
                case MonitorFlags.NameFile: o.NameFile = Next(); break;
                case MonitorFlags.Image: o.Image = Next(); break;
                case MonitorFlags.ExitCommand: o.ExitCommand = Next(); break;
                case MonitorFlags.ExitArg: o.ExitArgs.Add(Next()); break;
                default:
                    if (HealthConfig.TryApplyMonitorArgument(ref o.Health, a[i], Next)) break;
                    throw new ArgumentException($"unknown argument '{a[i]}'");
            }
        }
        if (o.AttachSocket is not null) return o;
        if (o.ExecTty) { if (o.Id.Length == 0 || o.ExecArgs.Count == 0) throw new ArgumentException("--exec-tty needs --id and the exec arguments after --"); return o; }
        if (o.Id.Length == 0 || o.Dir.Length == 0 || o.Bundle.Length == 0) throw new ArgumentException("--id, --dir and --bundle are required");
        return o;
    }
}
