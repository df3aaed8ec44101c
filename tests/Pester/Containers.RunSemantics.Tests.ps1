# Run semantics docker and podman users rely on (issue 10, items 1, 3, 5 and 7), each with real containers from
# small crafted images: a WORKDIR the image lacks, supplementary groups, no_new_privs and -SecurityOption, and log
# lines longer than 16 KiB. The expected answers are podman's (runc) on the same images (podman 4.3, checked by hand).

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/HostSafety.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore

    # a static program that prints its real and effective uid (a setuid-root copy shows what no_new_privs does)
    $src = Join-Path $TestDrive 'ids.c'
    $bin = Join-Path $TestDrive 'ids'
    Set-Content $src '#include <stdio.h>
#include <unistd.h>
int main(void) { printf("%d %d\n", (int)getuid(), (int)geteuid()); return 0; }'
    & gcc -static -O1 -o $bin $src
    if ($LASTEXITCODE -ne 0) { throw 'gcc -static failed' }
    $script:IdsBytes = [IO.File]::ReadAllBytes($bin)

    function script:New-RunSemImage {
        <# The busybox test image plus one layer of Entries, with the config's WorkingDir and User set. #>
        param([string] $Name, [object[]] $Entries, [string] $WorkingDir = '/', [string] $User = '')
        $tars = [Collections.Generic.List[byte[]]]::new()
        $tars.Add((Get-TestBusyboxLayers)[0])
        $tars.Add((New-TarBytes $Entries))
        $diffIds = @($tars | ForEach-Object { 'sha256:' + (Get-Sha256Hex $_) })
        $cfg = [Text.Encoding]::UTF8.GetString((New-TestImageConfig -DiffIds $diffIds)) | ConvertFrom-Json -AsHashtable
        $cfg.config['WorkingDir'] = $WorkingDir
        if ($User) { $cfg.config['User'] = $User }
        $cfg.history = @($cfg.history[0], @{ created = '2024-01-02T03:04:05Z'; created_by = 'run semantics layer' })
        $path = Join-Path $TestDrive "$($Name -replace '[:/]', '-').tar"
        $null = Write-TestDockerArchive -Path $path -Tars $tars.ToArray() -Config ([Text.Encoding]::UTF8.GetBytes(($cfg | ConvertTo-Json -Depth 10 -Compress))) -Name $Name
        $null = Import-ContainerImage -Path $path -ErrorAction Stop
    }

    $script:UserLayer = @(
        @{ Name = 'etc/'; Type = 'Dir' }
        @{ Name = 'etc/passwd'; Type = 'File'; Content = "root:x:0:0:root:/root:/bin/sh`napp:x:1000:1000:app:/home/app:/bin/sh`nsolo:x:1001:1001:solo:/:/bin/sh`n" }
        @{ Name = 'etc/group'; Type = 'File'; Content = "root:x:0:`naudio:x:29:app`napp:x:1000:`nextra:x:2000:root,app`n" }
        @{ Name = 'home/'; Type = 'Dir' }
        @{ Name = 'home/app/'; Type = 'Dir'; Uid = 1000; Gid = 1000 }
        @{ Name = 'usr/'; Type = 'Dir' }
        @{ Name = 'usr/local/'; Type = 'Dir' }
        @{ Name = 'usr/local/bin/'; Type = 'Dir' }
        @{ Name = 'usr/local/bin/ids'; Type = 'File'; Content = $script:IdsBytes; Mode = 0x1ed }
        @{ Name = 'usr/local/bin/suid-ids'; Type = 'File'; Content = $script:IdsBytes; Mode = 0x9ed }   # 04755 root
        @{ Name = 'ws'; Type = 'Symlink'; Target = '/data/made/here' }                                  # dangling, inside
    )
    New-RunSemImage -Name 'runsem-users:1' -Entries $script:UserLayer
    New-RunSemImage -Name 'runsem-workdir:1' -Entries $script:UserLayer -WorkingDir '/does/not/exist' -User 'app'
}

AfterAll {
    Remove-ContainerTestStore $script:Root
}

Describe 'A working directory the image lacks is created (issue 10.1)' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'creates the image WORKDIR for a non-root USER: parents root 0755, the directory the user''s, like podman' {
        $out = Invoke-ContainerImage runsem-workdir:1 -Remove -- sh -c 'pwd; stat -c "%n %u:%g %a" /does /does/not /does/not/exist; touch mine && echo writable'
        $LASTEXITCODE | Should -Be 0
        $out | Should -Be @('/does/not/exist', '/does 0:0 755', '/does/not 0:0 755', '/does/not/exist 1000:1000 755', 'writable')
    }

    It 'creates -WorkingDirectory too, owned by the user it runs as (root, a name, uid:gid)' {
        Invoke-ContainerImage runsem-users:1 -Remove -WorkingDirectory /new/dir -- sh -c 'pwd; stat -c "%u:%g %a" /new /new/dir' |
            Should -Be @('/new/dir', '0:0 755', '0:0 755')
        Invoke-ContainerImage runsem-users:1 -Remove -WorkingDirectory /srv/app -User app -- sh -c 'pwd; stat -c "%u:%g %a" /srv/app' |
            Should -Be @('/srv/app', '1000:1000 755')
        Invoke-ContainerImage runsem-users:1 -Remove -WorkingDirectory /w -User 4242:4343 -- sh -c 'pwd; stat -c "%u:%g %a" /w' |
            Should -Be @('/w', '4242:4343 755')
        # the image WORKDIR is overridden by -WorkingDirectory: only the one asked for is made
        Invoke-ContainerImage runsem-workdir:1 -Remove -WorkingDirectory /other -- sh -c 'pwd; test -e /does && echo made || echo absent' |
            Should -Be @('/other', 'absent')
    }

    It 'leaves an existing directory as it is' {
        Invoke-ContainerImage runsem-users:1 -Remove -WorkingDirectory /tmp -User app -- sh -c 'pwd; stat -c "%u:%g %a" /tmp' |
            Should -Be @('/tmp', '0:0 1777')
    }

    It 'follows a dangling link to where it points inside the root filesystem' {
        Invoke-ContainerImage runsem-users:1 -Remove -WorkingDirectory /ws -- sh -c 'pwd -P; test -d /data/made/here && echo made' |
            Should -Be @('/data/made/here', 'made')
    }

    It 'creates it for a container made with New-Container and started later' {
        $c = New-Container runsem-workdir:1 -Name wd-detached -- sh -c 'pwd'
        $out = Start-Container wd-detached -Attach
        $out | Should -Be '/does/not/exist'
        (Get-Container wd-detached).State.ExitCode | Should -Be 0
        Remove-Container $c -Force
    }

    It 'refuses to start when a file is in the way, with the runtime''s error' {
        $errs = $null
        $out = Invoke-ContainerImage runsem-users:1 -Remove -WorkingDirectory /etc/passwd/sub -ErrorVariable errs -ErrorAction SilentlyContinue -- pwd
        $out | Should -BeNullOrEmpty
        @($errs).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ContainerStartFailed*'
        $errs[0].Exception.Message | Should -Match "process\.cwd: cannot create '/etc/passwd/sub': Not a directory"
    }

    It 'a WORKDIR through a link to /etc is made in the container''s /etc, never the host''s (private mount namespace)' {
        $r = Invoke-InPrivateMountNamespace -AllowContainers -ImportModule "$PSScriptRoot/Images.Helpers.psm1" -TimeoutSeconds 300 -ScriptBlock {
            $ErrorActionPreference = 'Stop'
            $entries = @(
                @{ Name = 'etc/'; Type = 'Dir' }
                @{ Name = 'etc/passwd'; Type = 'File'; Content = "root:x:0:0:root:/root:/bin/sh`napp:x:1000:1000:app:/home/app:/bin/sh`n" }
                @{ Name = 'linketc'; Type = 'Symlink'; Target = '/etc' }
                @{ Name = 'linkup'; Type = 'Symlink'; Target = '../../../../etc' }
            )
            $tars = @((Get-TestBusyboxLayers)[0], (New-TarBytes $entries))
            $diff = @($tars | ForEach-Object { 'sha256:' + (Get-Sha256Hex $_) })
            $null = Write-TestDockerArchive -Path /tmp/link.tar -Tars $tars -Config (New-TestImageConfig -DiffIds $diff) -Name 'runsem-link:1'
            $null = Import-ContainerImage /tmp/link.tar
            $a = Invoke-ContainerImage runsem-link:1 -Remove -WorkingDirectory /linketc/psc-runsem-wd -User app -- sh -c 'pwd -P; stat -c "%u:%g" /etc/psc-runsem-wd'
            $b = Invoke-ContainerImage runsem-link:1 -Remove -WorkingDirectory /linkup/psc-runsem-up -- pwd -P
            [pscustomobject]@{ A = $a; B = $b; HostA = (Test-Path /etc/psc-runsem-wd); HostB = (Test-Path /etc/psc-runsem-up) }
        }
        $r.A | Should -Be @('/etc/psc-runsem-wd', '1000:1000')
        $r.B | Should -Be '/etc/psc-runsem-up'
        $r.HostA | Should -BeFalse
        $r.HostB | Should -BeFalse
        Test-Path /etc/psc-runsem-wd | Should -BeFalse
        Test-Path /etc/psc-runsem-up | Should -BeFalse
    }
}

Describe 'Exit codes of start failures are docker''s 125, 126, 127 with <Runtime> (issue 10.2)' -ForEach @(
    @{ Runtime = 'pscrun'; Path = $null }
    @{ Runtime = 'runc'; Path = '/usr/sbin/runc' }
) {
    BeforeAll {
        if ($Path) { Set-ContainerConfiguration -Runtime $Path -Confirm:$false }
        # a script whose interpreter is missing, a file without the execute bit
        $layer = @(
            @{ Name = 'opt/'; Type = 'Dir' }
            @{ Name = 'opt/orphan.sh'; Type = 'File'; Content = "#!/no/such/shell`necho hi`n"; Mode = 0x1ed }
            @{ Name = 'opt/plain.txt'; Type = 'File'; Content = "text`n"; Mode = 0x1a4 }
        )
        New-RunSemImage -Name 'runsem-exit:1' -Entries $layer
    }
    AfterAll {
        Get-Container -All | Remove-Container -Force
        if ($Path) { Set-ContainerConfiguration -DefaultRuntime -Confirm:$false }
    }

    It 'gives <Code> for <Case>, attached and as a detached container''s exit code' -ForEach @(
        @{ Case = 'a command not found by name'; Command = @('no-such-program'); Code = 127 }
        @{ Case = 'a path that does not exist'; Command = @('/no/such/file'); Code = 127 }
        # runc leaves this one to its init process, which exits 1 (its own choice); pscrun answers as a shell, 127
        @{ Case = 'a script whose interpreter is missing'; Command = @('/opt/orphan.sh'); Code = if ($Runtime -eq 'runc') { 1 } else { 127 } }
        @{ Case = 'a directory'; Command = @('/etc'); Code = 126 }
        @{ Case = 'a file without the execute bit'; Command = @('/opt/plain.txt'); Code = 126 }
        @{ Case = 'a command that exits 3 itself'; Command = @('sh', '-c', 'exit 3'); Code = 3 }
    ) {
        $global:LASTEXITCODE = 0
        $null = Invoke-ContainerImage runsem-exit:1 -Remove -Network none -ErrorAction SilentlyContinue -- @Command 2>$null
        $LASTEXITCODE | Should -Be $Code
        $name = "runsem-exit-$Code-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        $global:LASTEXITCODE = 0
        $null = Invoke-ContainerImage runsem-exit:1 -Detach -Name $name -Network none -ErrorAction SilentlyContinue -- @Command 2>$null
        Wait-ContainerCondition { (Get-Container $name).Status -eq 'Exited' } | Should -BeTrue
        (Get-Container $name).ExitCode | Should -Be $Code
        if ($Code -ge 126 -and $Command[0] -ne '/opt/orphan.sh') {
            # it never ran: the run reports it, sets $LASTEXITCODE, and the container records why
            $LASTEXITCODE | Should -Be $Code
            (Get-Container $name).State.Error | Should -Match ([regex]::Escape($Command[0]))
        }
        Remove-Container $name -Force
    }

    It 'gives Invoke-ContainerExec docker exec''s 127 and 126 when the command cannot run, and the program''s own code otherwise' {
        $name = "runsem-exec-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        $null = Invoke-ContainerImage runsem-exit:1 -Detach -Name $name -Network none -- sleep 600
        foreach ($case in @(@{ C = @('no-such-program'); Code = 127 }, @{ C = @('/etc'); Code = 126 }, @{ C = @('/opt/plain.txt'); Code = 126 },
                @{ C = @('sh', '-c', 'exit 1'); Code = 1 }, @{ C = @('sh', '-c', 'exit 127'); Code = 127 })) {
            $global:LASTEXITCODE = 0
            $null = Invoke-ContainerExec $name -ErrorAction SilentlyContinue -- @($case.C) 2>$null
            "$($case.C -join ' ') => $LASTEXITCODE" | Should -Be "$($case.C -join ' ') => $($case.Code)"
        }
        Remove-Container $name -Force
    }

    It 'refuses an argument list execve cannot take (E2BIG) as docker does, with 126 and "argument list too long", for run and exec' {
        $big = 'a' * 50MB
        if ($Runtime -eq 'pscrun') {
            # runc words its own execve failure differently; pscrun refuses it at create, before the list goes anywhere
            $global:LASTEXITCODE = 0
            $err = $null
            $null = Invoke-ContainerImage runsem-exit:1 -Remove -Network none -ErrorVariable err -ErrorAction SilentlyContinue -- echo $big 2>$null
            $LASTEXITCODE | Should -Be 126
            $err[0].Exception.Message | Should -Match 'exec: "echo": argument list too long'
            $err[0].Exception.Message | Should -Not -Match 'Broken pipe|sync write'
        }
        $name = "runsem-e2big-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        $null = Invoke-ContainerImage runsem-exit:1 -Detach -Name $name -Network none -- sleep 600
        $global:LASTEXITCODE = 0
        $err2 = $null
        $out = Invoke-ContainerExec $name -ErrorVariable err2 -ErrorAction SilentlyContinue -- echo $big
        $out | Should -BeNullOrEmpty
        $LASTEXITCODE | Should -Be 126
        $err2[0].FullyQualifiedErrorId | Should -BeLike 'ArgumentListTooLong,*'
        $err2[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err2[0].Exception.Message | Should -Be 'exec: "echo": argument list too long'
        # a long argument that execve takes still runs (100 KiB, under the 128 KiB a string may have)
        Invoke-ContainerExec $name -- sh -c 'echo ${#1}' sh ('b' * 100KB) | Should -Be '102400'
        (Get-Container $name).Status | Should -Be 'Running'
        Remove-Container $name -Force
    }

    It 'gives 125 for an unknown -User, with an ObjectNotFound error, and leaves no container' {
        $global:LASTEXITCODE = 0
        $err = $null
        $null = Invoke-ContainerImage runsem-exit:1 -Remove -User nobody-here -Name runsem-exit-user -ErrorVariable err -ErrorAction SilentlyContinue -- true
        $LASTEXITCODE | Should -Be 125
        $err[0].FullyQualifiedErrorId | Should -BeLike 'UserNotFound,*'
        Get-Container runsem-exit-user -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'gives 125 for a bad option the engine refuses' {
        $global:LASTEXITCODE = 0
        $null = Invoke-ContainerImage runsem-exit:1 -Remove -Publish '99999:80' -ErrorAction SilentlyContinue -- true
        $LASTEXITCODE | Should -Be 125
    }
}

Describe 'DNS as docker sets it up: systemd-resolved hosts, the public fallback, -Dns, -DnsSearch, -DnsOption (issue 10.6)' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'gives a container on a systemd-resolved host the upstream servers, not the 127.0.0.53 stub (private mount namespace)' {
        $r = Invoke-InPrivateMountNamespace -AllowContainers -ImportModule "$PSScriptRoot/Images.Helpers.psm1" -TimeoutSeconds 300 -ScriptBlock {
            $ErrorActionPreference = 'Stop'
            $null = Import-TestBusyboxImage
            # this namespace's /etc/resolv.conf is systemd-resolved's stub file, its /run has resolved's upstream file;
            # -Network none keeps the host's network (shared with this namespace) out of it: its resolv.conf is made alike
            Set-Content /tmp/stub.conf "# This is /run/systemd/resolve/stub-resolv.conf`nnameserver 127.0.0.53`noptions edns0 trust-ad`nsearch corp.example"
            & mount --bind /tmp/stub.conf /etc/resolv.conf
            if ($LASTEXITCODE -ne 0) { throw 'bind mount over /etc/resolv.conf failed' }
            $null = New-Item -ItemType Directory -Force /run/systemd/resolve
            Set-Content /run/systemd/resolve/resolv.conf "nameserver 192.0.2.10`nnameserver 192.0.2.11`nsearch corp.example"
            $resolved = Invoke-ContainerImage busybox-test:latest -Remove -Network none -- cat /etc/resolv.conf
            # only the stub, and no file from systemd-resolved: docker's public fallback
            Remove-Item /run/systemd/resolve/resolv.conf
            $fallback = Invoke-ContainerImage busybox-test:latest -Remove -Network none -- cat /etc/resolv.conf
            [pscustomobject]@{ Resolved = @($resolved); Fallback = @($fallback) }
        }
        @($r.Resolved -match '^nameserver') | Should -Be @('nameserver 192.0.2.10', 'nameserver 192.0.2.11')
        $r.Resolved | Should -Contain 'search corp.example'
        @($r.Fallback -match '^nameserver') | Should -Be @('nameserver 8.8.8.8', 'nameserver 8.8.4.4')
        ($r.Fallback -join "`n") | Should -Match '^# '
    }

    It 'writes -Dns, -DnsSearch and -DnsOption into the container''s resolv.conf and records them' {
        $c = New-Container busybox-test:latest -Name dns-opts -Dns 192.0.2.53, 192.0.2.54 -DnsSearch a.example, b.example -DnsOption ndots:2 -- cat /etc/resolv.conf
        $c.HostConfig.Dns | Should -Be @('192.0.2.53', '192.0.2.54')
        $c.HostConfig.DnsSearch | Should -Be @('a.example', 'b.example')
        $c.HostConfig.DnsOptions | Should -Be 'ndots:2'
        $out = Start-Container dns-opts -Attach
        $out | Should -Be @('search a.example b.example', 'options ndots:2', 'nameserver 192.0.2.53', 'nameserver 192.0.2.54')
        (Get-Content (Join-Path $script:Root "containers/$($c.Id)/container.json") -Raw | ConvertFrom-Json).HostConfig.Dns | Should -Be @('192.0.2.53', '192.0.2.54')
    }

    It 'refuses <Case> with <ErrorId> and creates nothing' -ForEach @(
        @{ Case = 'a name server that is not an address'; Params = @{ Dns = 'dns.example' }; ErrorId = 'InvalidDns' }
        @{ Case = '-Dns on the host''s network'; Params = @{ Dns = '192.0.2.53'; Network = 'host' }; ErrorId = 'DnsNeedsOwnNetwork' }
    ) {
        $before = @(Get-Container -All).Count
        $err = $null
        $null = New-Container busybox-test:latest @Params -ErrorVariable err -ErrorAction SilentlyContinue -- true
        $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        @(Get-Container -All).Count | Should -Be $before
    }
}

Describe 'Binary output and input stay byte-exact with -OutFile and -InputFile (issue 10.10)' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'writes a run''s stdout to -OutFile byte for byte (cat /bin/busybox, tar c), with stderr still as errors' {
        $bin = Join-Path $TestDrive 'busybox.out'
        $err = $null
        Invoke-ContainerImage busybox-test:latest -Remove -Network none -OutFile $bin -ErrorVariable err -ErrorAction SilentlyContinue -- sh -c 'cat /bin/busybox; echo oops >&2'
        $LASTEXITCODE | Should -Be 0
        $expected = Invoke-ContainerImage busybox-test:latest -Remove -Network none -- sha256sum /bin/busybox
        (Get-FileHash $bin -Algorithm SHA256).Hash.ToLowerInvariant() | Should -Be ($expected -split '\s+')[0]
        @($err | ForEach-Object { $_.Exception.Message }) | Should -Contain 'oops'
        # the docker backup idiom: tar c > file, then a tar that reads it back
        $tar = Join-Path $TestDrive 'backup.tar'
        Invoke-ContainerImage busybox-test:latest -Remove -Network none -OutFile $tar -- sh -c 'mkdir -p /data && head -c 70000 /bin/busybox > /data/blob && tar c -C /data blob'
        & tar -tf $tar | Should -Be 'blob'
    }

    It 'feeds -InputFile to the container''s stdin byte for byte, and restores a tar from it' {
        $tar = Join-Path $TestDrive 'in.tar'
        $src = Join-Path $TestDrive 'src'
        $null = New-Item -ItemType Directory -Force $src
        [IO.File]::WriteAllBytes((Join-Path $src 'blob'), [byte[]](0..255 + 0..255 + 13, 10, 0, 255))
        & tar -cf $tar -C $src blob
        $sum = (Get-FileHash (Join-Path $src 'blob') -Algorithm SHA256).Hash.ToLowerInvariant()
        $out = Invoke-ContainerImage busybox-test:latest -Remove -Network none -InputFile $tar -- sh -c 'mkdir /r && tar x -C /r && sha256sum /r/blob'
        ($out -split '\s+')[0] | Should -Be $sum
    }

    It 'gives Invoke-ContainerExec the same -OutFile and -InputFile' {
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name bin-exec -Network none -- sleep 600
        $f = Join-Path $TestDrive 'exec.out'
        Invoke-ContainerExec bin-exec -OutFile $f -- cat /bin/busybox
        $expected = Invoke-ContainerExec bin-exec -- sha256sum /bin/busybox
        (Get-FileHash $f -Algorithm SHA256).Hash.ToLowerInvariant() | Should -Be ($expected -split '\s+')[0]
        $in = Join-Path $TestDrive 'exec.in'
        [IO.File]::WriteAllBytes($in, [byte[]](0, 1, 2, 13, 10, 255))
        Invoke-ContainerExec bin-exec -InputFile $in -- sh -c 'od -An -tu1 | tr -s " "' | ForEach-Object Trim | Should -Be '0 1 2 13 10 255'
    }

    It 'refuses -OutFile with -Detach or -Tty (ConflictingOptions) and creates nothing' {
        $before = @(Get-Container -All).Count
        $err = $null
        Invoke-ContainerImage busybox-test:latest -Detach -OutFile (Join-Path $TestDrive 'x') -ErrorVariable err -ErrorAction SilentlyContinue -- true
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ConflictingOptions,*'
        $LASTEXITCODE | Should -Be 125
        @(Get-Container -All).Count | Should -Be $before
        Test-Path (Join-Path $TestDrive 'x') | Should -BeFalse
    }
}

Describe 'Supplementary groups always include the primary group (issue 10.3, CVE-2022-2989)' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    # /proc/self/status Groups: is the kernel's supplementary list (sorted); podman gives the same lists
    It 'gives <User> the groups <Groups>' -ForEach @(
        @{ User = 'app'; Groups = '29 1000 2000' }            # podman: groups=29(audio),1000(app),2000(extra)
        @{ User = '1000'; Groups = '29 1000 2000' }           # a uid with a passwd entry resolves like its name
        @{ User = '4242:4242'; Groups = '4242' }              # podman: groups=4242
        @{ User = 'app:audio'; Groups = '29' }                # a group given: that group only
        @{ User = 'solo'; Groups = '1001' }                   # in no group of /etc/group
        @{ User = 'root'; Groups = '0 2000' }
    ) {
        $out = Invoke-ContainerImage runsem-users:1 -Remove -User $User -- sh -c 'grep "^Groups:" /proc/self/status'
        $LASTEXITCODE | Should -Be 0
        (($out -replace '^Groups:\s*', '').Trim() -split '\s+') -join ' ' | Should -Be $Groups
    }
}

Describe 'A user or group id above 2147483647 is refused, never run as root (docker, podman: uids and gids must be in range 0-2147483647)' {
    BeforeAll { $null = Invoke-ContainerImage runsem-users:1 -Detach -Name runsem-id-range -- sleep 600 }
    AfterAll { Get-Container -All | Remove-Container -Force }

    # 4294967295 is (uid_t)-1: setresuid(-1, -1, -1) leaves the ids unchanged, so the process would keep root
    It 'refuses -User <User> on run with 125 and creates nothing' -ForEach @(
        @{ User = '4294967295' }, @{ User = '4294967295:1000' }, @{ User = '1000:4294967295' }, @{ User = '2147483648' }
    ) {
        $global:LASTEXITCODE = 0
        $err = $null
        $out = Invoke-ContainerImage runsem-users:1 -Remove -Name runsem-id-run -User $User -ErrorVariable err -ErrorAction SilentlyContinue -- id -u
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidUserId,*'
        "$($err[0])" | Should -Match 'range 0-2147483647'
        $LASTEXITCODE | Should -Be 125
        Get-Container runsem-id-run -All -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses -GroupAdd 4294967295 on run, and -User 4294967295 on exec, running nothing' {
        $err = $null
        $out = Invoke-ContainerImage runsem-users:1 -Remove -GroupAdd 4294967295 -ErrorVariable err -ErrorAction SilentlyContinue -- id -u
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidUserId,*'
        $global:LASTEXITCODE = 0
        $err = $null
        $out = Invoke-ContainerExec runsem-id-range -User 4294967295 -ErrorVariable err -ErrorAction SilentlyContinue -- sh -c 'id -u; touch /tmp/ran'
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidUserId,*'
        $LASTEXITCODE | Should -Be 125
        Invoke-ContainerExec runsem-id-range -- sh -c 'test -e /tmp/ran && echo ran || echo none' | Should -Be 'none'
    }
}

Describe 'Invoke-ContainerExec -User resolves names in the container as run does (issue 10.4)' {
    BeforeAll { $null = Invoke-ContainerImage runsem-users:1 -Detach -Name runsem-exec-user -- sleep 600 }
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'runs as <User>: uid, gid and the groups <Groups>, like podman exec' -ForEach @(
        @{ User = 'app'; Ids = '1000 1000'; Groups = '29 1000 2000' }
        @{ User = '1000'; Ids = '1000 1000'; Groups = '29 1000 2000' }
        @{ User = 'app:audio'; Ids = '1000 29'; Groups = '29' }
        @{ User = '4242:4242'; Ids = '4242 4242'; Groups = '4242' }
        @{ User = 'solo'; Ids = '1001 1001'; Groups = '1001' }
    ) {
        $out = @(Invoke-ContainerExec runsem-exec-user -User $User -- sh -c 'echo $(id -u) $(id -g); grep "^Groups:" /proc/self/status')
        $LASTEXITCODE | Should -Be 0
        $out[0] | Should -Be $Ids
        (($out[1] -replace '^Groups:\s*', '').Trim() -split '\s+') -join ' ' | Should -Be $Groups
    }

    It 'keeps the container''s user without -User' {
        Invoke-ContainerExec runsem-exec-user -- id -u | Should -Be '0'
    }

    It 'reports a user the container does not know as ObjectNotFound, and runs nothing' {
        $err = $null
        $out = Invoke-ContainerExec runsem-exec-user -User nobody-here -ErrorVariable err -ErrorAction SilentlyContinue -- touch /tmp/ran
        $out | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'UserNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        Invoke-ContainerExec runsem-exec-user -- sh -c 'test -e /tmp/ran && echo ran || echo none' | Should -Be 'none'
    }
}

Describe 'no_new_privs off by default, and -SecurityOption (issue 10.5)' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'lets a setuid-root program gain euid 0 for a non-root user by default, like docker and podman' {
        Invoke-ContainerImage runsem-users:1 -Remove -User app -- sh -c 'suid-ids; ids; grep ^NoNewPrivs: /proc/self/status' |
            Should -Be @('1000 0', '1000 1000', "NoNewPrivs:`t0")
        Invoke-ContainerImage runsem-users:1 -Remove -User app -SecurityOption no-new-privileges:false -- suid-ids | Should -Be '1000 0'
    }

    It 'keeps euid with -SecurityOption <Option>' -ForEach @(
        @{ Option = 'no-new-privileges' }, @{ Option = 'no-new-privileges:true' }, @{ Option = 'no-new-privileges=true' }
    ) {
        Invoke-ContainerImage runsem-users:1 -Remove -User app -SecurityOption $Option -- sh -c 'suid-ids; grep ^NoNewPrivs: /proc/self/status' |
            Should -Be @('1000 1000', "NoNewPrivs:`t1")
    }

    It 'stores the parsed options in the container record and applies them on start' {
        $c = New-Container runsem-users:1 -Name nnp -User 1000 -SecurityOption no-new-privileges, seccomp=unconfined -- sh -c 'suid-ids; grep ^Seccomp: /proc/self/status'
        $c.HostConfig.SecurityOptions.NoNewPrivileges | Should -BeTrue
        $c.HostConfig.SecurityOptions.SeccompUnconfined | Should -BeTrue
        (Get-Container nnp).HostConfig.SecurityOptions.NoNewPrivileges | Should -BeTrue
        Start-Container nnp -Attach | Should -Be @('1000 1000', "Seccomp:`t0")
        Remove-Container nnp -Force
        $d = New-Container runsem-users:1 -Name plain -- true
        $d.HostConfig.SecurityOptions.NoNewPrivileges | Should -BeFalse
        $d.HostConfig.SecurityOptions.SeccompUnconfined | Should -BeFalse
        $d.HostConfig.SecurityOptions.SeccompProfile | Should -BeNullOrEmpty
        Remove-Container plain -Force
    }

    It 'applies the default seccomp profile, none with seccomp=unconfined, and a profile file' {
        Invoke-ContainerImage runsem-users:1 -Remove -- grep ^Seccomp: /proc/self/status | Should -Be "Seccomp:`t2"
        Invoke-ContainerImage runsem-users:1 -Remove -SecurityOption seccomp=unconfined -- grep ^Seccomp: /proc/self/status | Should -Be "Seccomp:`t0"
        $profile = Join-Path $TestDrive 'deny-mkdir.json'
        @{ defaultAction = 'SCMP_ACT_ALLOW'; syscalls = @(@{ names = @('mkdir', 'mkdirat'); action = 'SCMP_ACT_ERRNO'; errnoRet = 1 }) } | ConvertTo-Json -Depth 5 | Set-Content $profile
        Push-Location $TestDrive
        try {
            # a relative file name is resolved against the current location, and read at create time
            $c = New-Container runsem-users:1 -Name prof -SecurityOption seccomp=deny-mkdir.json -- sh -c 'mkdir /tmp/x 2>&1 || echo refused; echo done'
        } finally { Pop-Location }
        Remove-Item $profile
        Start-Container prof -Attach | Select-Object -Last 2 | Should -Be @('refused', 'done')
        Remove-Container prof -Force
    }

    It 'refuses <Option> with <ErrorId> and creates nothing' -ForEach @(
        @{ Option = 'apparmor=docker-default'; ErrorId = 'AppArmorNotAvailable' }
        @{ Option = 'label=type:svirt_t'; ErrorId = 'SELinuxNotAvailable' }
        @{ Option = 'no-new-privileges:maybe'; ErrorId = 'InvalidSecurityOption' }
        @{ Option = 'sandbox=on'; ErrorId = 'InvalidSecurityOption' }
        @{ Option = 'seccomp=/does/not/exist.json'; ErrorId = 'SeccompProfileNotFound' }
    ) {
        $before = @(Get-Container -All).Count
        { New-Container runsem-users:1 -Name refused -SecurityOption $Option -ErrorAction Stop -- true } |
            Should -Throw -ErrorId "$ErrorId*"
        { Invoke-ContainerImage runsem-users:1 -Remove -SecurityOption $Option -ErrorAction Stop -- true } |
            Should -Throw -ErrorId "$ErrorId*"
        @(Get-Container -All).Count | Should -Be $before
        Get-Container -Name refused -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'accepts apparmor=unconfined (nothing to lift here)' {
        Invoke-ContainerImage runsem-users:1 -Remove -SecurityOption apparmor=unconfined -- echo ok | Should -Be 'ok'
    }

    It 'refuses a profile that is not JSON' {
        $bad = Join-Path $TestDrive 'bad.json'
        Set-Content $bad 'not json'
        { New-Container runsem-users:1 -SecurityOption "seccomp=$bad" -ErrorAction Stop -- true } | Should -Throw -ErrorId 'InvalidSeccompProfile*'
    }
}

Describe 'Log lines longer than 16 KiB come back whole (issue 10.7)' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'Get-ContainerLog returns a 100,000-byte line as one entry, with stderr lines interleaved' {
        $c = Invoke-ContainerImage runsem-users:1 -Detach -Name biglog -- sh -c 'echo before; head -c 100000 /dev/zero | tr "\0" x; echo; echo err >&2; head -c 40000 /dev/zero | tr "\0" y >&2; echo >&2; echo after'
        Wait-ContainerCondition { -not (Get-Container biglog).State.Running } -TimeoutSeconds 20 | Should -BeTrue
        $log = @(Get-ContainerLog biglog)
        $stdout = @($log | Where-Object Stream -EQ 'stdout')
        $stderr = @($log | Where-Object Stream -EQ 'stderr')
        $stdout.Count | Should -Be 3
        $stdout[0].Text | Should -Be 'before'
        $stdout[1].Text.Length | Should -Be 100000
        $stdout[1].Text | Should -Be ('x' * 100000)
        $stdout[2].Text | Should -Be 'after'
        $stderr.Count | Should -Be 2
        $stderr[1].Text | Should -Be ('y' * 40000)
        # the file itself keeps docker's partial records
        $records = @(Get-Content (Join-Path (Get-Container biglog).BundlePath 'json.log'))
        $records.Count | Should -BeGreaterThan 6
        # -Tail gives the last lines in the order of the whole log (the monitor reads the two pipes concurrently, so
        # only the order within a stream is fixed); "before" is logged before anything reaches stderr (the long line
        # cannot fit in the pipe), so the last four are all the others
        $full = @($log | ForEach-Object { "$($_.Stream):$($_.Text.Length)" })
        @(Get-ContainerLog biglog -Tail 2 | ForEach-Object { "$($_.Stream):$($_.Text.Length)" }) | Should -Be $full[-2..-1]
        $t4 = @(Get-ContainerLog biglog -Tail 4 | ForEach-Object { "$($_.Stream):$($_.Text.Length)" })
        $t4 | Should -Be $full[-4..-1]
        @($t4 | Sort-Object) | Should -Be @('stderr:3', 'stderr:40000', 'stdout:100000', 'stdout:5')
    }

    It 'joins the parts with -Follow while the container writes them' {
        $null = Invoke-ContainerImage runsem-users:1 -Detach -Name followlog -- sh -c 'sleep 1; echo first; head -c 100000 /dev/zero | tr "\0" z; sleep 1; head -c 50000 /dev/zero | tr "\0" z; echo; sleep 1; echo last'
        $got = @(Get-ContainerLog followlog -Follow)
        $got.Count | Should -Be 3
        $got[0].Text | Should -Be 'first'
        $got[1].Text | Should -Be ('z' * 150000)
        $got[2].Text | Should -Be 'last'
    }
}

Describe 'A -Remove run returns after the container is gone (issue 10.8, docker run --rm)' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'leaves its named volume and its image free for removal the moment it returns, on the default bridge' {
        # the monitor renames a removed container's directory to .trash-<id> before deleting it: that one is no user
        $failures = foreach ($i in 1..6) {
            $null = Import-TestBusyboxImage -Name "runsem-rm:$i"
            Invoke-ContainerImage "runsem-rm:$i" -Remove -Volume "runsem-rm-$($i):/data" -- sh -c 'echo x > /data/f'
            $LASTEXITCODE | Should -Be 0
            try { Remove-ContainerVolume "runsem-rm-$i" -ErrorAction Stop } catch { "volume $($i): $($_.FullyQualifiedErrorId) $($_.Exception.Message)" }
            try { Remove-ContainerImage "runsem-rm:$i" -ErrorAction Stop } catch { "image $($i): $($_.FullyQualifiedErrorId) $($_.Exception.Message)" }
        }
        $failures | Should -BeNullOrEmpty
        Get-ContainerVolume | Where-Object Name -like 'runsem-rm-*' | Should -BeNullOrEmpty
        Get-Container -All | Should -BeNullOrEmpty
    }
}

Describe 'A -Remove run on a user network leaves the network free for removal (issue 10.8, docker run --rm; network rm)' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'removes the network right after the run returns, 5 times in a row' {
        $failures = foreach ($i in 1..5) {
            $net = "runsem-rmnet-$i-$([guid]::NewGuid().ToString('N').Substring(0, 4))"
            $null = New-ContainerNetwork $net
            $out = Invoke-ContainerImage busybox-test:latest -Remove -Network $net -- sh -c 'ip -o -4 addr show eth0 | wc -l'
            $LASTEXITCODE | Should -Be 0
            $out | Should -Be '1' -Because 'it ran on the network'
            try { Remove-ContainerNetwork $net -ErrorAction Stop } catch { "network $($i): $($_.FullyQualifiedErrorId) $($_.Exception.Message)" }
        }
        $failures | Should -BeNullOrEmpty
        Get-ContainerNetwork | Where-Object Name -like 'runsem-rmnet-*' | Should -BeNullOrEmpty
    }
}

Describe 'Command words typed with commas stay one word (ps -o pid,args), for run, create, exec and compose run' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'passes pid,args as one argument to <Cmdlet>' -ForEach @(
        @{ Cmdlet = 'Invoke-ContainerImage' }
        @{ Cmdlet = 'New-Container' }
        @{ Cmdlet = 'Invoke-ContainerExec' }
    ) {
        $name = "runsem-words-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        # the words as PowerShell parses them: 'pid,args' and 'a,b,c' are arrays, 7 a number
        $out = switch ($Cmdlet) {
            'Invoke-ContainerImage' { Invoke-ContainerImage busybox-test:latest -Remove -Network none -- printf '[%s]\n' pid,args a,b,c 7 }
            'New-Container' {
                $null = New-Container busybox-test:latest -Name $name -Network none -- printf '[%s]\n' pid,args a,b,c 7
                Start-Container $name -Attach
            }
            'Invoke-ContainerExec' {
                $null = Invoke-ContainerImage busybox-test:latest -Detach -Name $name -Network none -- sleep 600
                Invoke-ContainerExec $name -- printf '[%s]\n' pid,args a,b,c 7
            }
        }
        $out | Should -Be @('[pid,args]', '[a,b,c]', '[7]')
        if ($Cmdlet -eq 'Invoke-ContainerExec') {
            (Invoke-ContainerExec $name -- ps -o pid,args) | Select-Object -First 1 | Should -Match '^\s*PID\s+COMMAND'
        }
    }

    It 'passes a comma list after -- to Invoke-ContainerProject -Service too' {
        $dir = Join-Path $TestDrive 'words-project'
        $null = New-Item -ItemType Directory -Force $dir
        Set-Content (Join-Path $dir 'compose.yaml') "services:`n  app:`n    image: busybox-test:latest`n    network_mode: none`n"
        $out = Invoke-ContainerProject -Path (Join-Path $dir 'compose.yaml') -ProjectName runsem-words -Service app -Remove -- printf '[%s]\n' pid,args
        try { $out | Should -Be '[pid,args]' }
        finally { Remove-ContainerProject runsem-words -Timeout 0 -Confirm:$false -ErrorAction SilentlyContinue | Out-Null }
    }
}

Describe '$LASTEXITCODE of Start-Container and Invoke-ContainerExec failures (issue 10.2, podman start and exec)' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'sets 125 for <Case> of a container that does not exist, with ContainerNotFound' -ForEach @(
        @{ Case = 'Start-Container'; Run = { Start-Container runsem-no-such-container -ErrorAction SilentlyContinue } }
        @{ Case = 'Invoke-ContainerExec'; Run = { Invoke-ContainerExec runsem-no-such-container -ErrorAction SilentlyContinue -- true } }
    ) {
        $global:LASTEXITCODE = 0
        $Error.Clear()
        $null = & $Run
        $LASTEXITCODE | Should -Be 125
        $Error[0].FullyQualifiedErrorId | Should -BeLike 'ContainerNotFound,*'
    }

    It 'sets the code run sets (<Code>) when Start-Container without -Attach cannot start the command, and 125 for an engine failure' -ForEach @(
        @{ Command = @('no-such-program'); Code = 127 }
        @{ Command = @('/etc'); Code = 126 }
    ) {
        $name = "runsem-startfail-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        $null = New-Container busybox-test:latest -Name $name -Network none -- @Command
        $global:LASTEXITCODE = 0
        $err = $null
        Start-Container $name -ErrorVariable err -ErrorAction SilentlyContinue
        $LASTEXITCODE | Should -Be $Code
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerStartFailed,*'
        $null = New-Container busybox-test:latest -Name "$name-user" -Network none -User nosuchuser -- true
        $global:LASTEXITCODE = 0
        Start-Container "$name-user" -ErrorAction SilentlyContinue
        $LASTEXITCODE | Should -Be 125
    }

    It 'sets 0 for a successful Invoke-ContainerExec -Detach, Start-Container and detached run' {
        $name = "runsem-execd-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        $global:LASTEXITCODE = 7
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name "$name-run" -Network none -- sleep 600
        $LASTEXITCODE | Should -Be 0
        $null = New-Container busybox-test:latest -Name $name -Network none -- sleep 600
        $global:LASTEXITCODE = 7
        Start-Container $name
        $LASTEXITCODE | Should -Be 0
        $global:LASTEXITCODE = 7
        Invoke-ContainerExec $name -Detach -- sh -c 'echo done > /tmp/marker'
        $LASTEXITCODE | Should -Be 0
        Wait-ContainerCondition { (Invoke-ContainerExec $name -- cat /tmp/marker 2>$null) -eq 'done' } | Should -BeTrue
    }
}

Describe 'docker run''s -ShmSize, -Sysctl, -Device, -GroupAdd and -Domainname (issue 10, docker run reference)' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'sizes /dev/shm: docker''s 64 MiB by default, -ShmSize in the units of the other sizes, stored in bytes' {
        # docker: size=65536k by default (podman 4.3: 64000k); --shm-size 2m gives size=2048k
        Invoke-ContainerImage runsem-users:1 -Remove -- sh -c 'grep " /dev/shm " /proc/mounts' | Should -Match 'size=65536k'
        Invoke-ContainerImage runsem-users:1 -Remove -ShmSize 2m -- sh -c 'grep " /dev/shm " /proc/mounts' | Should -Match 'size=2048k'
        Invoke-ContainerImage runsem-users:1 -Remove -ShmSize 3MB -- sh -c 'grep " /dev/shm " /proc/mounts' | Should -Match 'size=3072k'
        (New-Container runsem-users:1 -Name shm-default -- true).HostConfig.ShmSize | Should -Be 67108864
        (New-Container runsem-users:1 -Name shm-2m -ShmSize 2m -- true).HostConfig.ShmSize | Should -Be 2097152
        (Get-Container shm-2m).HostConfig.ShmSize | Should -Be 2097152
        # docker's --shm-size 0 is the default
        (New-Container runsem-users:1 -Name shm-0 -ShmSize 0 -- true).HostConfig.ShmSize | Should -Be 67108864
    }

    It 'sets namespaced sysctls from a hashtable and name=value strings, inside the container only' {
        $hostShmmax = (Get-Content /proc/sys/kernel/shmmax -Raw).Trim()
        $hostMsgMax = (Get-Content /proc/sys/fs/mqueue/msg_max -Raw).Trim()
        $out = Invoke-ContainerImage runsem-users:1 -Remove -Network none -Sysctl @{ 'kernel.shmmax' = '12345'; 'net.ipv4.ip_forward' = '1' }, 'fs.mqueue.msg_max=20', 'kernel.domainname=sys.example' -- `
            sh -c 'cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_forward /proc/sys/fs/mqueue/msg_max /proc/sys/kernel/domainname'
        $LASTEXITCODE | Should -Be 0
        $out | Should -Be @('12345', '1', '20', 'sys.example')   # podman 4.3: the same for the first three
        (Get-Content /proc/sys/kernel/shmmax -Raw).Trim() | Should -Be $hostShmmax
        (Get-Content /proc/sys/fs/mqueue/msg_max -Raw).Trim() | Should -Be $hostMsgMax
        # net.* on the default bridge network: the container's own namespace too
        Invoke-ContainerImage runsem-users:1 -Remove -Sysctl 'net.ipv4.tcp_keepalive_time=77' -- cat /proc/sys/net/ipv4/tcp_keepalive_time | Should -Be '77'
        $c = New-Container runsem-users:1 -Name sysctl-rec -Network none -Sysctl 'net.core.somaxconn=99', 'kernel.sem=250 32000 32 128' -- true
        $c.HostConfig.Sysctls['net.core.somaxconn'] | Should -Be '99'
        (Get-Container sysctl-rec).HostConfig.Sysctls['kernel.sem'] | Should -Be '250 32000 32 128'
    }

    It 'refuses <Case> with <ErrorId>, and creates nothing' -ForEach @(
        # podman 4.3: "sysctl 'vm.swappiness' is not allowed", "can't be set since Network Namespace set to host", exit 125
        @{ Case = 'a sysctl no namespace scopes'; Arguments = @{ Sysctl = 'vm.swappiness=1' }; ErrorId = 'SysctlNotAllowed' }
        @{ Case = 'kernel.* outside the IPC and UTS lists'; Arguments = @{ Sysctl = 'kernel.pid_max=40000' }; ErrorId = 'SysctlNotAllowed' }
        @{ Case = 'net.* with the host''s network'; Arguments = @{ Sysctl = 'net.ipv4.ip_forward=1'; Network = 'host' }; ErrorId = 'SysctlNotAllowed' }
        @{ Case = 'a sysctl without a value'; Arguments = @{ Sysctl = 'net.ipv4.ip_forward' }; ErrorId = 'InvalidSysctl' }
        @{ Case = 'a device that does not exist'; Arguments = @{ Device = '/dev/no-such-device' }; ErrorId = 'DeviceNotFound' }
        @{ Case = 'a device that is a regular file'; Arguments = @{ Device = '/etc/passwd' }; ErrorId = 'InvalidDevice' }
        @{ Case = 'device permissions other than rwm'; Arguments = @{ Device = '/dev/zero:/dev/z:rx' }; ErrorId = 'InvalidDevice' }
        @{ Case = 'a relative device path'; Arguments = @{ Device = 'zero:/dev/z' }; ErrorId = 'InvalidDevice' }
    ) {
        $before = @(Get-Container -All).Count
        $global:LASTEXITCODE = 0
        { New-Container runsem-users:1 -Name refused @Arguments -ErrorAction Stop -- true } | Should -Throw -ErrorId "$ErrorId*"
        { Invoke-ContainerImage runsem-users:1 -Remove @Arguments -ErrorAction Stop -- true } | Should -Throw -ErrorId "$ErrorId*"
        $LASTEXITCODE | Should -Be 125
        @(Get-Container -All).Count | Should -Be $before
        Get-Container -Name refused -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'gives a host device at a container path with the cgroup permissions asked for' {
        # /dev/zero as /dev/myzero, read only: the node is the host's (c 1, 5), reading works (podman 4.3: the same)
        $out = Invoke-ContainerImage runsem-users:1 -Remove -Device /dev/zero:/dev/myzero:r -- sh -c 'ls -l /dev/myzero; head -c 4 /dev/myzero | od -An -tx1'
        $out[0] | Should -Match '^crw.* 1,\s+5 .*/dev/myzero$'
        $out[1].Trim() | Should -Be '00 00 00 00'
        # a node with no driver behind it (major 242 is unassigned here): the cgroup rule decides between
        # "No such device or address" (allowed, the kernel finds no driver) and a refusal (denied); podman 4.3 with
        # runc on the same node and -Device ...:r: reading "No such device or address", writing "Permission denied"
        $node = Join-Path $TestDrive 'dev242'
        & mknod $node c 242 0
        $LASTEXITCODE | Should -Be 0
        $probe = 'cat /dev/t242 >/dev/null 2>/tmp/r; cat /tmp/r; echo x 2>/tmp/w >/dev/t242; cat /tmp/w'
        $ro = Invoke-ContainerImage runsem-users:1 -Remove -Device "$($node):/dev/t242:r" -- sh -c $probe
        $ro[0] | Should -Match 'No such device or address'
        $ro[1] | Should -Match 'Operation not permitted|Permission denied'
        $rw = Invoke-ContainerImage runsem-users:1 -Remove -Device "$($node):/dev/t242:rw" -- sh -c $probe
        $rw | Should -HaveCount 2
        $rw | ForEach-Object { $_ | Should -Match 'No such device or address' }
        # the container path defaults to the host path; without -Device a node made inside is denied by the cgroup
        Invoke-ContainerImage runsem-users:1 -Remove -Device /dev/zero -- sh -c 'ls -l /dev/zero' | Should -Match '^crw.* 1,\s+5 '
        Invoke-ContainerImage runsem-users:1 -Remove -- sh -c 'mknod /tmp/t242 c 242 0 && cat /tmp/t242 2>&1; true' | Should -Match 'Operation not permitted|Permission denied'
        $c = New-Container runsem-users:1 -Name dev-rec -Device "/dev/zero:/dev/myzero:r", /dev/full -- true
        $json = (Get-Container dev-rec | ConvertTo-Json -Depth 6 | ConvertFrom-Json).HostConfig.Devices
        $json[0].PathOnHost | Should -Be '/dev/zero'
        $json[0].PathInContainer | Should -Be '/dev/myzero'
        $json[0].CgroupPermissions | Should -Be 'r'
        $json[1].PathInContainer | Should -Be '/dev/full'
        $json[1].CgroupPermissions | Should -Be 'rwm'
    }

    It 'adds -GroupAdd groups, names from the container''s /etc/group, to the user''s, as podman does' {
        # podman 4.3, --user app --group-add audio --group-add 4242: groups=29(audio),1000(app),2000(extra),4242
        Invoke-ContainerImage runsem-users:1 -Remove -User app -GroupAdd audio, 4242 -- id |
            Should -Be 'uid=1000(app) gid=1000(app) groups=29(audio),1000(app),2000(extra),4242'
        Invoke-ContainerImage runsem-users:1 -Remove -User solo -GroupAdd extra -- id |
            Should -Be 'uid=1001(solo) gid=1001 groups=1001,2000(extra)'   # solo's group 1001 has no /etc/group entry
        # execs get them too (docker exec resolves the user with the container's GroupAdd)
        $null = Invoke-ContainerImage runsem-users:1 -Detach -Name groupadd -User solo -GroupAdd 4242 -- sleep 300
        Invoke-ContainerExec groupadd -- id | Should -Be 'uid=1001(solo) gid=1001 groups=1001,4242'
        Invoke-ContainerExec groupadd -User app -- id | Should -Be 'uid=1000(app) gid=1000(app) groups=29(audio),1000(app),2000(extra),4242'
        ((Get-Container groupadd | ConvertTo-Json -Depth 6 | ConvertFrom-Json).HostConfig.GroupAdd) | Should -Be @('4242')
        Remove-Container groupadd -Force
    }

    It 'refuses a -GroupAdd name the container''s /etc/group lacks with 125, as podman does' {
        # podman 4.3: "Unable to find group nope: no matching entries in group file", exit 125
        $global:LASTEXITCODE = 0
        $err = $null
        $out = Invoke-ContainerImage runsem-users:1 -Remove -GroupAdd nope -ErrorVariable err -ErrorAction SilentlyContinue -- echo ran
        $out | Should -BeNullOrEmpty
        $LASTEXITCODE | Should -Be 125
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GroupNotFound,*'
    }

    It 'sets the UTS domain name with -Domainname and shows it as Config.Domainname' {
        Invoke-ContainerImage runsem-users:1 -Remove -Hostname web -Domainname example.org -- sh -c 'hostname; cat /proc/sys/kernel/domainname' |
            Should -Be @('web', 'example.org')
        # docker's default: no domain name, "(none)" as the kernel reports it
        Invoke-ContainerImage runsem-users:1 -Remove -- cat /proc/sys/kernel/domainname | Should -Be '(none)'
        $null = New-Container runsem-users:1 -Name dom -Domainname example.org -ShmSize 1m -Sysctl 'kernel.shmmni=100' -Device /dev/zero -GroupAdd 29 -- true
        $j = Get-Container dom | ConvertTo-Json -Depth 6 | ConvertFrom-Json
        $j.Config.Domainname | Should -Be 'example.org'
        $j.HostConfig.ShmSize | Should -Be 1048576
        $j.HostConfig.Sysctls.'kernel.shmmni' | Should -Be '100'
        $j.HostConfig.Devices[0].PathOnHost | Should -Be '/dev/zero'
        $j.HostConfig.GroupAdd | Should -Be @('29')
        Start-Container dom -Attach
        $LASTEXITCODE | Should -Be 0
    }
}

Describe '-Tty output is a terminal''s, CRLF line ends as docker run -t gives them (issue 10)' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'logs "\r\n" as docker''s json-file does, stderr in the same stream, and gives the pipeline lines' {
        $script = 'echo hi; printf "a\rb\n"; echo err >&2'
        # podman 4.3, run -t ... | od -c: h i \r \n; podman logs: the same bytes
        $null = Invoke-ContainerImage runsem-users:1 -Detach -Tty -Name tty-log -- sh -c $script
        Wait-Container tty-log | Out-Null
        $records = Get-Content (Get-Container tty-log).LogPath | ForEach-Object { $_ | ConvertFrom-Json }
        $records.log | Should -Be @("hi`r`n", "a`rb`r`n", "err`r`n")
        $records.stream | Sort-Object -Unique | Should -Be 'stdout'
        # Get-ContainerLog and the attached run give lines: "\r\n" is the line end, a "\r" inside a line stays
        (Get-ContainerLog tty-log).Text | Should -Be @('hi', "a`rb", 'err')
        $err = $null
        Invoke-ContainerImage runsem-users:1 -Remove -Tty -ErrorVariable err -- sh -c $script | Should -Be @('hi', "a`rb", 'err')
        $err | Should -BeNullOrEmpty
        # without -Tty no terminal translates: "\n" as written, stderr its own stream
        $null = Invoke-ContainerImage runsem-users:1 -Detach -Name plain-log -- sh -c $script
        Wait-Container plain-log | Out-Null
        (Get-Content (Get-Container plain-log).LogPath | ForEach-Object { ($_ | ConvertFrom-Json).log }) | Should -Be @("hi`n", "a`rb`n", "err`n")
    }
}

Describe 'Start failures of a detached run are recorded as docker records them (issue 10, runsem4 item 2)' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'records an engine-side failure (<Case>) in State.Error and ExitCode 125, status Created as docker''s, with $LASTEXITCODE and the attached ErrorId' -ForEach @(
        @{ Case = 'an unknown -User'; Extra = @{ User = 'nosuchuser' }; ErrorId = 'UserNotFound'; Match = 'nosuchuser' }
        @{ Case = 'an unknown -GroupAdd group'; Extra = @{ GroupAdd = 'nosuchgroup' }; ErrorId = 'GroupNotFound'; Match = 'nosuchgroup' }
    ) {
        $name = "runsem-fail-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        # attached: the ErrorId the detached run must use too
        $global:LASTEXITCODE = 0
        $errA = $null
        $null = Invoke-ContainerImage busybox-test:latest -Remove -Network none @Extra -ErrorVariable errA -ErrorAction SilentlyContinue -- true
        $LASTEXITCODE | Should -Be 125
        $errA[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"

        $global:LASTEXITCODE = 0
        $err = $null
        $out = Invoke-ContainerImage busybox-test:latest -Detach -Name $name -Network none @Extra -ErrorVariable err -ErrorAction SilentlyContinue -- true
        $out | Should -BeNullOrEmpty
        $LASTEXITCODE | Should -Be 125
        $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $c = Get-Container $name
        $c.Status | Should -Be 'Created'          # docker: a container that never ran shows "created"
        $c.ExitCode | Should -Be 125
        $c.Error | Should -Match $Match
        $c.State.Error | Should -Be $c.Error
        $c.State.StartedAt | Should -BeNullOrEmpty
        # Get-Container's record survives a fresh read (the state file holds it)
        (Get-Container -All | Where-Object Name -EQ $name).Error | Should -Match $Match
    }

    It 'records a runtime-side failure (<Case>) with its docker code and the reason, and sets $LASTEXITCODE' -ForEach @(
        @{ Case = 'a missing command'; Command = @('no-such-program'); Code = 127 }
        @{ Case = 'a command that is a directory'; Command = @('/etc'); Code = 126 }
    ) {
        $name = "runsem-fail-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        $global:LASTEXITCODE = 0
        $err = $null
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name $name -Network none -ErrorVariable err -ErrorAction SilentlyContinue -- @Command
        $LASTEXITCODE | Should -Be $Code
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerStartFailed,*'
        Wait-ContainerCondition { (Get-Container $name).ExitCode -eq $Code } | Should -BeTrue
        (Get-Container $name).Error | Should -Match ([regex]::Escape($Command[0]))
    }

    It 'records no error for a container that starts' {
        $name = "runsem-fail-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name $name -Network none -- true
        Wait-ContainerCondition { (Get-Container $name).Status -eq 'Exited' } | Should -BeTrue
        (Get-Container $name).ExitCode | Should -Be 0
        (Get-Container $name).Error | Should -BeNullOrEmpty
    }
}

Describe 'Start-Container -Attach and -Interactive follow the exit-status rule of an attached run (issue 10, runsem4 item 3)' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'sets $LASTEXITCODE to the exit code and writes ContainerExitCode for a non-zero one' {
        $null = New-Container busybox-test:latest -Name runsem-start-4 -Network none -- sh -c 'echo hi; exit 4'
        $global:LASTEXITCODE = 0
        $err = $null
        $out = Start-Container runsem-start-4 -Attach -ErrorVariable err -ErrorAction SilentlyContinue
        $out | Should -Be 'hi'
        $LASTEXITCODE | Should -Be 4
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerExitCode,*'
        $err[0].Exception.ExitCode | Should -Be 4
        $global:LASTEXITCODE = 9
        Start-Container runsem-start-4 -Attach -ErrorAction SilentlyContinue | Should -Be 'hi'
        $LASTEXITCODE | Should -Be 4
    }

    It 'sets docker''s 126 and 127 for a start that fails, as run does' {
        $null = New-Container busybox-test:latest -Name runsem-start-dir -Network none -- /etc
        $null = New-Container busybox-test:latest -Name runsem-start-missing -Network none -- no-such-program
        $global:LASTEXITCODE = 0
        $err = $null
        Start-Container runsem-start-dir -Attach -ErrorVariable err -ErrorAction SilentlyContinue
        $LASTEXITCODE | Should -Be 126
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ContainerStartFailed,*'
        $global:LASTEXITCODE = 0
        Start-Container runsem-start-missing -Attach -ErrorAction SilentlyContinue 2>$null
        $LASTEXITCODE | Should -Be 127
    }

    It '-Interactive gives the container this host''s standard input (docker start -i) and sets $LASTEXITCODE' {
        $null = New-Container busybox-test:latest -Name runsem-start-i -Network none -Interactive -- sh -c 'read x; echo got-$x; exit 5'
        $pwsh = Join-Path $PSHOME 'pwsh'
        $manifest = Join-Path (Get-Module PsContainers).ModuleBase 'PsContainers.psd1'
        $out = 'abc' | & $pwsh -NoProfile -NonInteractive -Command "`$env:PSCONTAINERS_ROOT = '$Root'; Import-Module '$manifest'; Start-Container runsem-start-i -Interactive -ErrorAction SilentlyContinue; 'LEC=' + `$LASTEXITCODE"
        $out | Should -Contain 'got-abc'
        $out | Should -Contain 'LEC=5'
    }
}

Describe '-ReadOnly gets podman''s writable /tmp, /var/tmp and /run tmpfs; -ReadOnlyTmpfs:$false none (issue 10, runsem4 item 4)' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'writes to /tmp, /var/tmp, /run and /dev/shm of a read-only root, and nowhere else' {
        $out = Invoke-ContainerImage busybox-test:latest -Remove -Network none -ReadOnly -- sh -c 'for d in /tmp /var/tmp /run /dev/shm; do touch $d/f && echo "ok $d"; done; touch /etc/f 2>/dev/null || echo "ro /etc"; grep -E " /(tmp|var/tmp|run) " /proc/mounts | cut -d" " -f2,3'
        $out | Should -Contain 'ok /tmp'
        $out | Should -Contain 'ok /var/tmp'
        $out | Should -Contain 'ok /run'
        $out | Should -Contain 'ok /dev/shm'
        $out | Should -Contain 'ro /etc'
        $out | Should -Contain '/tmp tmpfs'
        $out | Should -Contain '/var/tmp tmpfs'
        $out | Should -Contain '/run tmpfs'
    }

    It 'adds none of them with -ReadOnlyTmpfs:$false (plain docker --read-only); /dev/shm stays writable' {
        $out = Invoke-ContainerImage busybox-test:latest -Remove -Network none -ReadOnly -ReadOnlyTmpfs:$false -- sh -c 'for d in /tmp /var/tmp /run /dev/shm; do touch $d/f 2>/dev/null && echo "ok $d" || echo "ro $d"; done'
        $out | Should -Be @('ro /tmp', 'ro /var/tmp', 'ro /run', 'ok /dev/shm')
        (Invoke-ContainerImage busybox-test:latest -Remove -Network none -- sh -c 'grep -cE " /(tmp|var/tmp|run) " /proc/mounts || true') | Should -Be '0' -Because 'a writable root gets none'
    }

    It 'gives /run mode 1777 like /tmp and /var/tmp (podman run --read-only), so a non-root -User writes its pid file there' {
        $out = Invoke-ContainerImage busybox-test:latest -Remove -Network none -ReadOnly -User 1000:1000 -- sh -c 'stat -c "%a %u %n" /run /tmp /var/tmp; echo $$ > /run/app.pid && echo pid-ok; touch /etc/f 2>/dev/null || echo "ro /etc"'
        $out | Should -Be @('1777 0 /run', '1777 0 /tmp', '1777 0 /var/tmp', 'pid-ok', 'ro /etc')
    }

    It 'lets the user''s own -Tmpfs or -Volume on those paths win, and keeps a volume beneath /run visible' {
        $vol = "runsem-ro-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
        $null = New-ContainerVolume $vol
        Invoke-ContainerImage busybox-test:latest -Remove -Network none -Volume "${vol}:/tmp" -- sh -c 'echo kept > /tmp/k' | Out-Null
        $out = Invoke-ContainerImage busybox-test:latest -Remove -Network none -ReadOnly -Tmpfs '/run:size=1m' -Volume "${vol}:/var/tmp", "${vol}:/run/sub" -- sh -c 'cat /var/tmp/k; cat /run/sub/k; grep -E " /run " /proc/mounts | grep -o "size=[0-9a-z]*"; grep -cE " /run " /proc/mounts'
        $out | Should -Be @('kept', 'kept', 'size=1024k', '1')
        Remove-ContainerVolume $vol -Force
    }

    It 'gives compose''s read_only: true the same' {
        $dir = Join-Path $TestDrive 'ro-project'
        $null = New-Item -ItemType Directory -Force $dir
        Set-Content (Join-Path $dir 'compose.yaml') "services:`n  app:`n    image: busybox-test:latest`n    read_only: true`n    network_mode: none`n    command: ['sh', '-c', 'touch /tmp/f /run/f && echo wrote; touch /etc/f 2>/dev/null || echo ro; sleep 600']`n"
        Start-ContainerProject -Path (Join-Path $dir 'compose.yaml') -ProjectName runsem-ro | Out-Null
        try {
            $c = Get-Container -All | Where-Object Project -EQ 'runsem-ro'
            $c.HostConfig.ReadonlyRootfs | Should -BeTrue
            Wait-ContainerCondition { @(Get-ContainerLog $c.Name | ForEach-Object Text) -contains 'ro' } | Should -BeTrue
            @(Get-ContainerLog $c.Name | ForEach-Object Text) | Should -Be @('wrote', 'ro')
        } finally { Remove-ContainerProject runsem-ro -Timeout 0 -Confirm:$false -ErrorAction SilentlyContinue | Out-Null }
    }
}

Describe 'Hostname, domain name, sysctl and working-directory rules as docker''s (issue 10, runsem4 item 5)' {
    AfterAll { Get-Container -All | Remove-Container -Force }

    It 'gives -Hostname with -Network host its own UTS name (docker since moby #20177), the host''s name without it' {
        Invoke-ContainerImage busybox-test:latest -Remove -Network host -Hostname runsem-uts -- sh -c 'hostname; cat /etc/hostname' | Should -Be @('runsem-uts', 'runsem-uts')
        Invoke-ContainerImage busybox-test:latest -Remove -Network host -- hostname | Should -Be ([System.Net.Dns]::GetHostName())
        [System.Net.Dns]::GetHostName() | Should -Not -Be 'runsem-uts' -Because 'the host''s own name is untouched'
    }

    It 'writes -Domainname into /etc/hosts as docker does ("ip host.domain host")' {
        $hosts = Invoke-ContainerImage busybox-test:latest -Remove -Network none -Hostname web -Domainname example.org -- cat /etc/hosts
        @($hosts -match "^127\.0\.1\.1\tweb\.example\.org web( |$)").Count | Should -Be 1
        Invoke-ContainerImage busybox-test:latest -Remove -Network none -Hostname web -Domainname example.org -- cat /proc/sys/kernel/domainname | Should -Be 'example.org'
    }

    It 'refuses kernel.hostname with -Hostname (and kernel.domainname with -Domainname) with 125; alone the sysctl is taken' {
        foreach ($case in @(@{ Sysctl = 'kernel.hostname=other'; Extra = @{ Hostname = 'web' } }, @{ Sysctl = 'kernel.domainname=other.org'; Extra = @{ Domainname = 'example.org' } })) {
            $global:LASTEXITCODE = 0
            $err = $null
            $name = "runsem-sysctl-$([guid]::NewGuid().ToString('N').Substring(0, 6))"
            $extra = $case.Extra
            $null = Invoke-ContainerImage busybox-test:latest -Name $name -Remove -Network none -Sysctl $case.Sysctl @extra -ErrorVariable err -ErrorAction SilentlyContinue -- true
            $LASTEXITCODE | Should -Be 125
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ConflictingOptions,*'
            $err[0].Exception.Message | Should -Match 'conflicts with'
            Get-Container $name -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        Invoke-ContainerImage busybox-test:latest -Remove -Network none -Sysctl kernel.hostname=other -- hostname | Should -Be 'other'
    }

    It 'refuses a relative -WorkingDirectory the same way for run, create and exec: InvalidWorkingDirectory, 125' {
        $global:LASTEXITCODE = 0
        $err = $null
        $null = Invoke-ContainerImage busybox-test:latest -Name runsem-relwd -Remove -Network none -WorkingDirectory rel -ErrorVariable err -ErrorAction SilentlyContinue -- pwd
        $LASTEXITCODE | Should -Be 125
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidWorkingDirectory,*'
        Get-Container runsem-relwd -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err = $null
        New-Container busybox-test:latest -Network none -WorkingDirectory rel -ErrorVariable err -ErrorAction SilentlyContinue -- pwd | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidWorkingDirectory,*'

        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name runsem-relwd-x -Network none -- sleep 600
        $global:LASTEXITCODE = 0
        $err = $null
        Invoke-ContainerExec runsem-relwd-x -WorkingDirectory rel -ErrorVariable err -ErrorAction SilentlyContinue -- pwd | Should -BeNullOrEmpty
        $LASTEXITCODE | Should -Be 125
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidWorkingDirectory,*'
        Invoke-ContainerExec runsem-relwd-x -WorkingDirectory /tmp -- pwd | Should -Be '/tmp'
    }
}
