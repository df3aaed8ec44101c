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
                case "--id": o.Id = Next(); break;
                case "--dir": o.Dir = Next(); break;
                case "--bundle": o.Bundle = Next(); break;
                case "--runtime": o.Runtime = Next(); break;
                case "--runtime-root": o.RuntimeRoot = Next(); break;
                case "--restart":
                    string r = Next();
                    if (!RestartPolicy.TryParse(r, out o.Restart)) throw new ArgumentException(RestartPolicy.InvalidMessage(r));
                    break;
                case "--restart-count": o.RestartCount = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--remove": o.Remove = true; break;
                case "--volumes-dir": o.VolumesDir = Next(); break;
                case "--foreground": o.Foreground = true; break;
                case "--attach": o.Attach = true; break;
                case "--exec-tty": o.ExecTty = true; break;
                case "--tty": o.Tty = true; break;
                case "--":
                    o.ExecArgs.AddRange(a[(i + 1)..]);
                    i = a.Length;
                    break;
                case "--stdin": o.Stdin = true; break;
                case "--open-stdin": o.OpenStdin = true; break;
                case "--attach-socket": o.AttachSocket = Next(); break;
                case "--detach-keys": o.DetachKeys = Next(); break;
                case "--no-stdin": o.NoStdin = true; break;
                case "--lock": o.LockFile = Next(); break;
                case "--name-file": o.NameFile = Next(); break;
                case "--image": o.Image = Next(); break;
                case "--exit-command": o.ExitCommand = Next(); break;
                case "--exit-arg": o.ExitArgs.Add(Next()); break;
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
