# Red-team attacks on running containers (copy/export races, volumes through /proc links, disk usage of hard-link
# farms, removal over a bind mount). Every test runs inside Invoke-InPrivateMountNamespace -AllowContainers
# (HostSafety.Helpers.psm1): machine mounts read-only, scratch /run /tmp /dev/shm, own PID namespace and /proc.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-Module "$PSScriptRoot/HostSafety.Helpers.psm1" -Force
    $script:Imports = @("$PSScriptRoot/Images.Helpers.psm1", "$PSScriptRoot/HostSafety.Helpers.psm1")

    $script:Prelude = {
        $ErrorActionPreference = 'Stop'
        function Get-Sentinels {
            [pscustomobject]@{
                Run   = @(Get-TreeSnapshot /run/psc-sentinel)
                Tmp   = @(Get-TreeSnapshot /tmp/psc-sentinel)
                Modes = @('/run', '/run/lock', '/tmp', '/etc', '/' | ForEach-Object { & stat -L -c '%n %a %u:%g' $_ })
            }
        }
        New-SentinelTree /run/psc-sentinel
        New-SentinelTree /tmp/psc-sentinel
        $work = '/tmp/psc-work'
        New-Item -ItemType Directory "$work/layer/inner" -Force | Out-Null
        'container' | Set-Content "$work/layer/inner/cfile"
        # volume sources that are link chains through the /proc magic links
        & ln -s /proc/self/root/proc/1/root/run/psc-sentinel "$work/layer/vol1"
        & ln -s /proc/1/root/run/psc-sentinel "$work/layer/vol2"
        & ln -s vol3b "$work/layer/vol3"; & ln -s /proc/self/root/../../proc/1/root/tmp/psc-sentinel "$work/layer/vol3b"
        New-LayerTarFromDirectory "$work/layer" "$work/layer.tar"
        $null = New-TestImageFromLayerTars -Path "$work/image.tar" -LayerTar "$work/layer.tar" -Name 'rt9b:1'
        $null = Import-ContainerImage "$work/image.tar"
    }
}

Describe 'Engine walks against containers that race them' {
    It 'Copy-ContainerItem while the container swaps a symlink in the path copies only container files' {
        $r = Invoke-InPrivateMountNamespace -AllowContainers -ImportModule $script:Imports -TimeoutSeconds 400 -ScriptBlock ([scriptblock]::Create($script:Prelude.ToString() + {
                    $before = Get-Sentinels
                    $null = Invoke-ContainerImage rt9b:1 -Detach -Name racer -Network none -- sh -c 'mkdir -p /run/psc-sentinel; echo fake > /run/psc-sentinel/file; while true; do ln -sfn / /x; ln -sfn /inner /x; done'
                    Start-Sleep -Milliseconds 500
                    New-Item -ItemType Directory /tmp/out | Out-Null
                    'evil' | Set-Content /tmp/evil.txt
                    $errors = [Collections.Generic.List[string]]::new()
                    $contents = [Collections.Generic.List[string]]::new()
                    for ($i = 0; $i -lt 40; $i++) {
                        try { Copy-ContainerItem racer:/x/run/psc-sentinel/file "/tmp/out/f$i" -ErrorAction Stop; $contents.Add((Get-Content "/tmp/out/f$i" -Raw).Trim()) }
                        catch { $errors.Add($_.FullyQualifiedErrorId) }
                        try { Copy-ContainerItem racer:/x/ "/tmp/out/d$i" -ErrorAction Stop } catch { $errors.Add($_.FullyQualifiedErrorId) }
                        try { Copy-ContainerItem /tmp/evil.txt "racer:/x/run/psc-sentinel/evil$i" -ErrorAction Stop } catch { $errors.Add($_.FullyQualifiedErrorId) }
                    }
                    Stop-Container racer -Timeout 1 -ErrorAction SilentlyContinue
                    # any copied file whose content is the host sentinel's means the copy left the container
                    $leaked = @(& grep -rlx keep /tmp/out 2>$null)
                    $hostEvil = @(Get-ChildItem /run/psc-sentinel -Name | Where-Object { $_ -like 'evil*' })
                    # a source ending in "/" must come out as a directory; a race with "ln -sfn" (unlink, then symlink) made
                    # the engine copy the link itself (ResolveBytes saw /x missing, the copy then found the new link)
                    $asLinks = @(Get-ChildItem /tmp/out -Force | Where-Object { $_.Name -like 'd*' -and $_.LinkTarget } | ForEach-Object { "$($_.Name) -> $($_.LinkTarget)" })
                    $dirs = @(Get-ChildItem /tmp/out -Directory -Name | Where-Object { -not (Get-Item "/tmp/out/$_" -Force).LinkTarget })
                    $foreign = @($dirs | ForEach-Object { Get-ChildItem "/tmp/out/$_" -Force -Name } | Sort-Object -Unique | Where-Object { $_ -notin @('cfile', 'bin', 'dev', 'etc', 'home', 'inner', 'proc', 'root', 'run', 'sys', 'tmp', 'usr', 'var', 'x', 'vol1', 'vol2', 'vol3', 'vol3b', 'lib', 'lib64', 'sbin', 'mnt', 'opt', 'srv', 'media', 'linuxrc') })
                    [pscustomobject]@{ Before = $before; After = Get-Sentinels; Leaked = $leaked; HostEvil = $hostEvil; Contents = @($contents | Sort-Object -Unique); Errors = @($errors | Sort-Object -Unique); Foreign = $foreign; AsLinks = $asLinks }
                }.ToString()))
        $r.Leaked | Should -BeNullOrEmpty
        $r.HostEvil | Should -BeNullOrEmpty
        $r.Foreign | Should -BeNullOrEmpty
        Write-Host "copy race: trailing-slash sources copied as links: $($r.AsLinks -join ', ')"
        $r.AsLinks | Should -BeNullOrEmpty -Because 'Copy-ContainerItem racer:/x/ must give a directory, never a host symlink to wherever the container pointed /x'
        @($r.Contents | Where-Object { $_ -ne 'fake' }) | Should -BeNullOrEmpty
        $r.After.Run | Should -Be $r.Before.Run
        $r.After.Tmp | Should -Be $r.Before.Tmp
        $r.After.Modes | Should -Be $r.Before.Modes
        Write-Host "copy race: contents $($r.Contents -join ','); errors $($r.Errors -join ', ')"
    }

    It 'Export-Container while the container rewrites its tree exports only container files' {
        $r = Invoke-InPrivateMountNamespace -AllowContainers -ImportModule $script:Imports -TimeoutSeconds 400 -ScriptBlock ([scriptblock]::Create($script:Prelude.ToString() + {
                    $before = Get-Sentinels
                    $null = Invoke-ContainerImage rt9b:1 -Detach -Name churn -Network none -- sh -c 'while true; do mkdir -p /a/b; echo x > /a/b/f; rm -rf /a; ln -sfn /run /a; rm -f /a; ln -sfn / /a; rm -f /a; mkdir -p /deep/1/2/3; mv /deep /deep2; rm -rf /deep2; done'
                    Start-Sleep -Milliseconds 500
                    $errors = [Collections.Generic.List[string]]::new()
                    $listings = [Collections.Generic.List[string]]::new()
                    for ($i = 0; $i -lt 10; $i++) {
                        try { $null = Export-Container churn -Path "/tmp/e$i.tar" -ErrorAction Stop; $listings.AddRange([string[]]@(& tar -tvf "/tmp/e$i.tar")) }
                        catch { $errors.Add("$($_.FullyQualifiedErrorId): $($_.Exception.Message)") }
                        Remove-Item "/tmp/e$i.tar" -ErrorAction SilentlyContinue
                    }
                    Stop-Container churn -Timeout 1 -ErrorAction SilentlyContinue
                    [pscustomobject]@{ Before = $before; After = Get-Sentinels; Errors = @($errors); Listing = @($listings) }
                }.ToString()))
        ($r.Listing | Where-Object { ($_ -replace ' -> .*$', '') -match 'psc-sentinel|psc-work|/store/' }) | Should -BeNullOrEmpty
        ($r.Listing | Where-Object { ($_ -replace ' -> .*$', '') -match ' a/(run|psc|etc|bin)' }) | Should -BeNullOrEmpty
        $r.After.Run | Should -Be $r.Before.Run
        $r.After.Tmp | Should -Be $r.Before.Tmp
        $r.After.Modes | Should -Be $r.Before.Modes
        # a tree that changes under the export may make one fail, but with a clear error (and most must succeed)
        $r.Errors.Count | Should -BeLessThan 5 -Because ($r.Errors -join "`n")
    }

    It 'a volume whose image path is a link chain through /proc/self/root and /proc/1/root is filled from inside the container only' {
        $r = Invoke-InPrivateMountNamespace -AllowContainers -ImportModule $script:Imports -ScriptBlock ([scriptblock]::Create($script:Prelude.ToString() + {
                    $before = Get-Sentinels
                    $out = @()
                    $errs = @()
                    foreach ($v in 'vol1', 'vol2', 'vol3') {
                        try { $out += Invoke-ContainerImage rt9b:1 -Remove -Network none -Volume "v-$($v):/$v" -- sh -c "ls -A /$v; echo done-$v" -ErrorAction Stop }
                        catch { $errs += "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
                    }
                    $files = @(foreach ($v in 'vol1', 'vol2', 'vol3') { $vol = Get-ContainerVolume "v-$v" -ErrorAction SilentlyContinue; if ($vol) { Get-ChildItem -Force -Recurse $vol.Mountpoint -Name } })
                    [pscustomobject]@{ Before = $before; After = Get-Sentinels; Out = @($out); Files = $files; Errors = $errs }
                }.ToString()))
        $r.Files | Should -Not -Contain 'file'
        $r.Files | Should -Not -Contain 'sub'
        $r.Out | Should -Not -Contain 'file'
        $r.After.Run | Should -Be $r.Before.Run
        $r.After.Tmp | Should -Be $r.Before.Tmp
        $r.After.Modes | Should -Be $r.Before.Modes
        Write-Host "volumes via /proc links: out $($r.Out -join ','); errors $($r.Errors -join ' | ')"
    }

    It 'Get-ContainerDiskUsage counts a farm of 1000 hard links to one 1 MB file once' {
        $r = Invoke-InPrivateMountNamespace -AllowContainers -ImportModule $script:Imports -ScriptBlock ([scriptblock]::Create($script:Prelude.ToString() + {
                    $null = Invoke-ContainerImage rt9b:1 -Name farm -Network none -- sh -c 'dd if=/dev/urandom of=/big bs=1024 count=1024 2>/dev/null; mkdir /farm; i=0; while [ $i -lt 1000 ]; do ln /big /farm/l$i; i=$((i+1)); done'
                    $du = @(Get-ContainerDiskUsage -Detailed)
                    $c = Get-Container farm
                    [pscustomobject]@{
                        Container = ($du | Where-Object { ($_.Type -eq 'Container' -or $_.Type -eq 'Containers') } | Measure-Object -Property Size -Sum).Sum
                        Rows      = @($du | ForEach-Object { "$($_.Type) $($_.Name) $($_.Size)" })
                    }
                }.ToString()))
        $r.Container | Should -BeGreaterOrEqual 1MB -Because ($r.Rows -join "`n")
        $r.Container | Should -BeLessThan 2MB -Because ($r.Rows -join "`n")
    }

    It 'Remove-Container with a bind mount inside its upper directory leaves the mounted content intact' {
        $r = Invoke-InPrivateMountNamespace -AllowContainers -ImportModule $script:Imports -ScriptBlock ([scriptblock]::Create($script:Prelude.ToString() + {
                    $before = Get-Sentinels
                    New-Item -ItemType Directory /tmp/bindsrc/sub -Force | Out-Null
                    'precious' | Set-Content /tmp/bindsrc/file
                    'deep' | Set-Content /tmp/bindsrc/sub/deep
                    $c = New-Container rt9b:1 -Name bound -Network none
                    $upper = "/tmp/store/containers/$($c.Id)/upper"
                    New-Item -ItemType Directory "$upper/mnt" -Force | Out-Null
                    & mount --bind /tmp/bindsrc "$upper/mnt"
                    if ($LASTEXITCODE -ne 0) { throw 'bind mount failed' }
                    $err = $null
                    try { Remove-Container bound -Force -ErrorAction Stop } catch { $err = "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
                    $mounted = [bool](& findmnt -n "$upper/mnt" 2>$null)
                    $files = @(Get-ChildItem -Recurse -Force /tmp/bindsrc -Name)
                    $content = Get-Content /tmp/bindsrc/file -ErrorAction SilentlyContinue
                    if ($mounted) { & umount "$upper/mnt" }
                    [pscustomobject]@{ Before = $before; After = Get-Sentinels; Error = $err; Files = $files; Content = $content; StillMounted = $mounted; Left = @(Get-Container -All -ErrorAction SilentlyContinue | Where-Object Name -eq 'bound').Count }
                }.ToString()))
        Write-Host "remove over a bind mount: error '$($r.Error)', still mounted $($r.StillMounted), container left $($r.Left)"
        $r.Content | Should -Be 'precious'
        $r.Files | Should -Contain 'file'
        $r.Files | Should -Contain 'sub/deep'
        $r.After.Run | Should -Be $r.Before.Run
        $r.After.Tmp | Should -Be $r.Before.Tmp
        $r.After.Modes | Should -Be $r.Before.Modes
    }
}
