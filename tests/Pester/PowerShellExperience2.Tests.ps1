# The PowerShell experience, second round (issue 11, a new user's tryout): common parameters written after '--',
# completion of paths inside a container, one container per rename, -WhatIf that promises only what would be done,
# the exec hint's '--' form, and messages that read as sentences. Real containers in a private store.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    Import-PsContainersForTest
    Import-Module "$PSScriptRoot/Images.Helpers.psm1" -Force
    Import-Module "$PSScriptRoot/Containers.Helpers.psm1" -Force
    $script:Root = Initialize-ContainerTestStore
    $null = Invoke-ContainerImage busybox-test:latest -Detach -Name ux2-web -- sleep 300
    $null = Invoke-ContainerImage busybox-test:latest -Name ux2-done -- true

    function script:Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText)
    }
    # -WhatIf writes to the host: a child pwsh prints it where the test can read it, with the errors after it
    $script:Manifest = Join-Path (Get-Module PsContainers).ModuleBase 'PsContainers.psd1'
    function script:Invoke-WhatIfLine([string] $Line) {
        $cmd = "`$env:PSCONTAINERS_ROOT = '$($script:Root)'; Import-Module '$($script:Manifest)'; $Line -WhatIf -ErrorVariable e -ErrorAction SilentlyContinue; `$e | ForEach-Object { 'ERROR ' + `$_.FullyQualifiedErrorId }"
        & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $cmd 2>&1 | Out-String -Width 400
    }
}

AfterAll {
    Remove-ContainerTestStore $script:Root
}

Describe 'Common parameters written after --' {
    It 'warns once that <Line> gives them to the command, and the command still gets them' -TestCases @(
        @{ Line = 'run'; Named = "'-ErrorAction Stop' follows '--', so it goes to the container's command, not to PowerShell; put common parameters before '--'." }
    ) {
        $out = Invoke-ContainerImage busybox-test:latest -Remove -- echo -ErrorAction Stop -WarningVariable w 3>&1
        $warnings = @($out | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        $warnings.Count | Should -Be 1 -Because 'one warning per command'
        $warnings[0].Message | Should -BeLike "'-ErrorAction Stop', '-WarningVariable w' follow '--', so they go to the container's command*put common parameters before '--'."
        @($out | Where-Object { $_ -is [string] }) | Should -Be '-ErrorAction Stop -WarningVariable w' -Because 'the words still reach the command as written'
    }

    It 'warns for Invoke-ContainerImage ... -- sh -c ''exit 5'' -ErrorAction Stop, whose -ErrorAction PowerShell never sees' {
        # the caller's preference is Continue: had -ErrorAction Stop reached PowerShell, the exit error would throw
        $ErrorActionPreference = 'Continue'
        $w = Invoke-ContainerImage busybox-test:latest -Remove -- sh -c 'exit 5' -ErrorAction Stop 3>&1 2>$null
        $w = @($w | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        $w.Count | Should -Be 1
        $w[0].Message | Should -Be "'-ErrorAction Stop' follows '--', so it goes to the container's command, not to PowerShell; put common parameters before '--'."
        $LASTEXITCODE | Should -Be 5
    }

    It 'warns for New-Container and Invoke-ContainerExec too, with -Verbose, -WhatIf and -Confirm in any case, and not for -ea or quoted words' {
        $c = $null
        $w = @(& { $script:c = New-Container busybox-test:latest -Name ux2-created -- echo -verbose } 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        $w.Count | Should -Be 1
        $w[0].Message | Should -BeLike "'-verbose' follows '--'*"
        (Get-Container ux2-created).Config.Cmd | Should -Be @('echo', '-verbose')
        $w = @(Invoke-ContainerExec ux2-web -- echo -WhatIf -confirm 3>&1)
        @($w | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Message | Should -BeLike "'-WhatIf', '-confirm' follow '--'*"
        $w | Where-Object { $_ -is [string] } | Should -Be '-WhatIf -confirm'
        $w = @(Invoke-ContainerExec ux2-web -- echo -ea Stop '-ErrorAction' -ErrorActionX 3>&1)
        @($w | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }) | Should -BeNullOrEmpty -Because 'an alias, a quoted word and another word are the command''s own'
        $w | Should -Be '-ea Stop -ErrorAction -ErrorActionX'
    }

    It 'does not warn for common parameters before -- or after a command given without --' {
        $w = @(Invoke-ContainerExec ux2-web -ErrorAction Stop -- echo hi 3>&1)
        $w | Should -Be 'hi'
        $w = @(Invoke-ContainerExec ux2-web echo hi -ErrorAction Stop 3>&1)
        $w | Should -Be 'hi'
    }

    It 'is documented: common parameters go before --' {
        $about = (Get-Help about_PsContainers | Out-String) -replace '\s+', ' '
        $about.Contains('Put common parameters before --:') | Should -BeTrue
        $about.Contains("Invoke-ContainerImage busybox -ErrorAction Stop -- sh -c 'exit 5'") | Should -BeTrue
        foreach ($cmdlet in 'Invoke-ContainerImage', 'New-Container', 'Invoke-ContainerExec') {
            $text = ((Get-Help $cmdlet).Description.Text -join ' ') -replace '\s+', ' '
            $text.Contains('so common parameters go before `--`') | Should -BeTrue -Because "$cmdlet's help says where they go"
        }
    }
}

Describe 'Completion of paths inside a container' {
    It 'completes ux2-web:/et to ux2-web:/etc/ in a running container' {
        Get-Completion 'Copy-ContainerItem ux2-web:/et' | Should -Be @('ux2-web:/etc/')
        Get-Completion 'Copy-ContainerItem ux2-web:/etc/pass' | Should -Be @('ux2-web:/etc/passwd')
        Get-Completion "Copy-ContainerItem ./x ux2-web:/et" | Should -Be @('ux2-web:/etc/')
    }

    It 'completes a stopped container''s paths, as Copy-ContainerItem reads them, and leaves it unmounted' {
        Get-Completion 'Copy-ContainerItem ux2-done:/et' | Should -Be @('ux2-done:/etc/')
        Get-Completion 'Copy-ContainerItem ux2-done:/etc/grou' | Should -Be @('ux2-done:/etc/group')
        (Get-Container ux2-done).Status | Should -Be 'Exited'
        $rootfs = Join-Path (Get-Container ux2-done).Path rootfs
        (Get-Content /proc/self/mountinfo) -match [regex]::Escape(" $rootfs ") | Should -BeNullOrEmpty -Because 'completion mounts nothing that stays'
    }

    It 'offers nothing, quietly, for a path that is missing or a container that does not exist' {
        Get-Completion 'Copy-ContainerItem ux2-web:/no-such-dir/x' | Should -BeNullOrEmpty
        Get-Completion 'Copy-ContainerItem ux2-none:/et' | Should -BeNullOrEmpty
    }
}

Describe 'Rename-Container takes one container' {
    It 'refuses a wildcard that matches two containers before renaming either' {
        $null = New-Container busybox-test:latest -Name ux2-ren1 -- true
        $null = New-Container busybox-test:latest -Name ux2-ren2 -- true
        $err = $null
        Rename-Container 'ux2-ren*' ux2-renamed -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'RenameNeedsOneContainer*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -BeLike "*'ux2-ren*' matches 2 containers*"
        @(Get-Container -All -Name 'ux2-ren*').Name | Sort-Object | Should -Be @('ux2-ren1', 'ux2-ren2')
        Rename-Container 'ux2-ren1*' ux2-renamed -PassThru | ForEach-Object Name | Should -Be 'ux2-renamed'
    }
}

Describe '-WhatIf promises only what the real call would do' {
    It 'Remove-ContainerNetwork of the default network is refused, with no What if line' {
        $default = (Get-ContainerNetwork | Where-Object IsDefault).Name
        $default | Should -Not -BeNullOrEmpty
        $out = Invoke-WhatIfLine "Remove-ContainerNetwork $default"
        $out | Should -Not -BeLike '*What if*'
        $out | Should -BeLike '*ERROR DefaultNetworkRemoval*'
        Get-ContainerNetwork $default | Should -Not -BeNullOrEmpty
    }

    It 'Remove-Container of a running container without -Force is refused, with no What if line' {
        $out = Invoke-WhatIfLine 'Remove-Container ux2-web'
        $out | Should -Not -BeLike '*What if*'
        $out | Should -BeLike '*ERROR *'
        Invoke-WhatIfLine 'Remove-Container ux2-web -Force' | Should -BeLike '*What if: Performing the operation "Remove container" on target "ux2-web"*'
        (Get-Container ux2-web).Status | Should -Be 'Running'
    }
}

Describe 'Ports of a stopped container, and ports in JSON' {
    BeforeAll {
        $null = Invoke-ContainerImage busybox-test:latest -Detach -Name ux2-ports -Publish 80 -- sleep 300
    }

    It 'Get-Container -All shows PORTS of a running container and none once it stopped, as docker ps' {
        $row = Get-Container ux2-ports | Out-String -Width 200
        $row | Should -BeLike '*80/tcp*'
        Stop-Container ux2-ports -Timeout 0
        (Get-Container ux2-ports -All).Status | Should -Be 'Exited'
        $row = Get-Container ux2-ports -All | Out-String -Width 200
        $row | Should -Not -BeLike '*80/tcp*' -Because 'docker ps -a shows no ports for an exited container'
        Get-Container ux2-ports -All | Format-Table -View Project | Out-String -Width 200 | Should -Not -BeLike '*80/tcp*'
        Start-Container ux2-ports
    }

    It 'Get-ContainerPort writes HostIP 0.0.0.0 in JSON, as its view and docker port show it' {
        $p = @(Get-ContainerPort ux2-ports)
        $p.Count | Should -Be 1
        $json = $p[0] | ConvertTo-Json | ConvertFrom-Json
        $json.HostIP | Should -Be '0.0.0.0'
        ($p | Out-String -Width 200) | Should -BeLike '*0.0.0.0*'
    }

    It 'writes an image''s Config.ExposedPorts as docker image inspect''s map' {
        $img = ConvertTo-ContainerImage ux2-ports ux2/exposed:v1
        $json = Get-ContainerImage ux2/exposed:v1 | ConvertTo-Json -Depth 6
        # the image's EXPOSE 8080/tcp and the container's published 80/tcp, as a map of empty objects, not an array
        $json | Should -Match '"ExposedPorts":\s*\{\s*"8080/tcp":\s*\{\},\s*"80/tcp":\s*\{\}\s*\}'
        @((Get-ContainerImage ux2/exposed:v1).Config.ExposedPorts.Keys) | Should -Be @('8080/tcp', '80/tcp')
    }
}

Describe 'Messages that read as sentences' {
    It 'names the length limit of a container or pod name that is too long' {
        $long = 'a' * 129
        { New-Container busybox-test:latest -Name $long -- true } | Should -Throw -ExpectedMessage "*has 129 characters, and a container name has at most 128*"
        $err = $null
        New-ContainerPod -Name $long -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].Exception.Message | Should -BeLike '*has 129 characters, and a pod name has at most 128*'
        { New-Container busybox-test:latest -Name 'bad name' -- true } | Should -Throw -ExpectedMessage '*letters, digits*at most 128 characters.'
    }

    It 'refuses an empty name with a clear message, not "No such container: "' {
        $err = $null
        Get-Container '' -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'EmptyTargetName*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -BeLike 'An empty name names no container*'
    }
}

Describe 'The -- rule''s binder errors, documented' {
    It 'says what to do for AmbiguousParameter, a -- inside the command, and repeated docker options' {
        $about = (Get-Help about_PsContainers | Out-String) -replace '\s+', ' '
        $about.Contains("AmbiguousParameter") | Should -BeTrue
        $about.Contains("Invoke-ContainerImage busybox -Command echo, '--', hi") | Should -BeTrue
        $about.Contains('-Publish 8080:80, 8443:443') | Should -BeTrue
        # the lines as documented
        $e = $null
        try { Invoke-ContainerImage busybox-test:latest tail -n 1 /etc/passwd } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'AmbiguousParameter*'
        Invoke-ContainerImage busybox-test:latest -Remove -Network none echo -- hi | Should -Be 'hi'
        Invoke-ContainerImage busybox-test:latest -Remove -Network none -- echo -- hi | Should -Be '-- hi'
        Invoke-ContainerImage busybox-test:latest -Remove -Network none -Command echo, '--', hi | Should -Be '-- hi'
    }
}

Describe 'The -- hint of Invoke-ContainerExec' {
    It 'puts -- after the container for exec web head -n 1 /etc/passwd' {
        $e = $null
        try { Invoke-ContainerExec ux2-web head -n 1 /etc/passwd } catch { $e = $_ }
        $e.FullyQualifiedErrorId | Should -BeLike 'CommandNeedsDoubleDash*'
        $e.Exception.Message | Should -BeLike '*: Invoke-ContainerExec ux2-web -- head -n 1 /etc/passwd*'
        Invoke-ContainerExec ux2-web -- head -n 1 /etc/passwd | Should -BeLike 'root:*'
    }

    It 'keeps the -- form without a container name when the container is piped' {
        $e = $null
        try { Get-Container ux2-web | Invoke-ContainerExec head -n 1 /etc/passwd } catch { $e = $_ }
        $e.Exception.Message | Should -BeLike '*: Invoke-ContainerExec -- head -n 1 /etc/passwd*'
    }
}
