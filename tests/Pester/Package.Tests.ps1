# The module installs the way PowerShell modules install: out/package/PsContainers.<version>.nupkg (build.ps1 package,
# which build.ps1 test runs before this suite) goes into a folder repository, Install-PSResource (PSResourceGet) and
# Install-Module (PowerShellGet 2) install it, and a fresh pwsh that finds it on PSModulePath imports it and runs a
# container. Every pwsh that registers a repository or installs runs with HOME and XDG_* pointing into a scratch
# folder, so the repository lists and the CurrentUser module path it writes are the scratch folder's, never the
# user's; the repositories are unregistered and the scratch folder removed even when a test fails.

BeforeAll {
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $manifestPath = if ($env:PSCONTAINERS_TEST_MODULE) { $env:PSCONTAINERS_TEST_MODULE } else { Join-Path $PSScriptRoot '../../out/PsContainers/PsContainers.psd1' }
    $script:ModuleDir = Split-Path (Resolve-Path $manifestPath).Path
    $script:Version = (Import-PowerShellDataFile (Join-Path $script:ModuleDir 'PsContainers.psd1')).ModuleVersion
    $packageDir = if ($env:PSCONTAINERS_TEST_PACKAGE_DIR) { $env:PSCONTAINERS_TEST_PACKAGE_DIR } else { Join-Path (Split-Path $script:ModuleDir) 'package' }
    $script:Nupkg = Join-Path $packageDir "PsContainers.$($script:Version).nupkg"
    $script:Pwsh = Join-Path $PSHOME 'pwsh'
    $script:Helpers = @('pscrun', 'pscmon', 'pscdns', 'pscinit')
    $script:Scratch = Join-Path ([IO.Path]::GetTempPath()) ('psc-package-' + [guid]::NewGuid().ToString('N').Substring(0, 10))
    New-Item -ItemType Directory -Path $script:Scratch | Out-Null

    function Invoke-IsolatedPwsh {
        <# Runs $Script in a fresh pwsh whose HOME and XDG folders are $HomeDir; returns its output objects. #>
        param([string] $HomeDir, [scriptblock] $Script, [object[]] $ArgumentList = @(), [string] $ModulePath)
        $names = 'HOME', 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'PSModulePath'
        $saved = @{}
        foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
        # The folders must exist: .NET's GetFolderPath(LocalApplicationData) is '' for a missing one, and
        # PSResourceGet then keeps its repository list in a relative PSResourceGet/ folder of the working directory.
        $xdg = @{
            XDG_DATA_HOME   = Join-Path $HomeDir '.local/share'
            XDG_CONFIG_HOME = Join-Path $HomeDir '.config'
            XDG_CACHE_HOME  = Join-Path $HomeDir '.cache'
        }
        foreach ($d in $xdg.Values) { New-Item -ItemType Directory -Force -Path $d | Out-Null }
        Push-Location $HomeDir   # and whatever a child writes relative to its working directory stays in scratch
        try {
            $env:HOME = $HomeDir
            foreach ($k in $xdg.Keys) { [Environment]::SetEnvironmentVariable($k, $xdg[$k]) }
            # without a PSModulePath of its own the child inherits this process's (Pester's, the tool pwsh's)
            $env:PSModulePath = if ($ModulePath) { $ModulePath } else { $null }
            $all = @(& $script:Pwsh -NoProfile -NonInteractive -Command $Script -args $ArgumentList 2>&1)
            $code = $LASTEXITCODE
        } finally {
            foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
            Pop-Location
        }
        $errors = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        if ($code -ne 0) { throw "pwsh exited with $code`n$($errors | Out-String)" }
        $all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] }
    }

    # Imports the installed module by name in a fresh pwsh that finds it only on PSModulePath, and runs a container.
    $script:RunScript = {
        param($Store, $ImagesHelpers)
        $ErrorActionPreference = 'Stop'
        $ProgressPreference = 'SilentlyContinue'
        $found = @(Get-Module -ListAvailable PsContainers)
        $modeOf = { param($base) foreach ($n in 'pscrun', 'pscmon', 'pscdns', 'pscinit') { [pscustomobject]@{ Name = $n; Mode = (Get-Item -LiteralPath (Join-Path $base "bin/$n")).UnixMode } } }
        $before = @(& $modeOf $found[0].ModuleBase)
        Import-Module PsContainers
        $m = Get-Module PsContainers
        $after = @(& $modeOf $m.ModuleBase)
        $env:PSCONTAINERS_ROOT = $Store
        $out = @(); $code = $null; $failure = $null; $left = $null
        try {
            Import-Module $ImagesHelpers
            $null = Import-TestBusyboxImage -Name 'psc-package-test:latest'
            $out = @(Invoke-ContainerImage 'psc-package-test:latest' -Network none -Remove -- echo ok)
            $code = $LASTEXITCODE
            $left = @(Get-Container -All).Count
        } catch {
            $failure = "$_"   # reported by 'runs a container', so the other checks still say what they see
        }
        [pscustomobject]@{
            Found = @($found | ForEach-Object ModuleBase); ModuleBase = $m.ModuleBase; Version = "$($m.Version)"
            Before = $before; After = $after; Output = $out; ExitCode = $code; Left = $left; Failure = $failure
        }
    }

    $script:Installers = @{
        'Install-PSResource' = {
            param($Feed, $Version)
            $ErrorActionPreference = 'Stop'
            $ProgressPreference = 'SilentlyContinue'
            Import-Module Microsoft.PowerShell.PSResourceGet
            Register-PSResourceRepository -Name PsContainersScratch -Uri $Feed -Trusted
            try {
                Install-PSResource -Name PsContainers -Version $Version -Repository PsContainersScratch -Scope CurrentUser -TrustRepository
                (Get-InstalledPSResource -Name PsContainers -Scope CurrentUser | Select-Object -First 1).InstalledLocation
            } finally {
                Unregister-PSResourceRepository -Name PsContainersScratch
            }
        }
        'Install-Module'     = {
            param($Feed, $Version)
            $ErrorActionPreference = 'Stop'
            $ProgressPreference = 'SilentlyContinue'
            Import-Module PowerShellGet -MaximumVersion 2.99
            Register-PSRepository -Name PsContainersScratch -SourceLocation $Feed -InstallationPolicy Trusted
            try {
                Install-Module -Name PsContainers -RequiredVersion $Version -Repository PsContainersScratch -Scope CurrentUser
                (Get-InstalledModule -Name PsContainers -RequiredVersion $Version).InstalledLocation
            } finally {
                Unregister-PSRepository -Name PsContainersScratch
            }
        }
    }
}

AfterAll {
    if ($script:Scratch -and (Test-Path $script:Scratch)) {
        Remove-TestStoreRoot $script:Scratch   # unmounts anything a failed container left, then deletes
    }
}

Describe 'The PsContainers package' {
    It 'is out/package/PsContainers.<version>.nupkg (build.ps1 package)' {
        Test-Path $script:Nupkg | Should -BeTrue -Because "build.ps1 package (and build.ps1 test) writes $($script:Nupkg)"
    }

    It 'holds the module, its native helpers and the gallery metadata' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($script:Nupkg)
        try {
            $names = @($zip.Entries | ForEach-Object FullName)
            foreach ($f in @('PsContainers.psd1', 'PsContainers.dll', 'PsContainers.NativeHelpers.ps1', 'LICENSE', 'en-US/PsContainers.dll-Help.xml') + @($script:Helpers | ForEach-Object { "bin/$_" })) {
                $names | Should -Contain $f
            }
            $entry = $zip.Entries | Where-Object FullName -EQ 'PsContainers.nuspec'
            $reader = [IO.StreamReader]::new($entry.Open())
            try { [xml] $nuspec = $reader.ReadToEnd() } finally { $reader.Dispose() }
        } finally {
            $zip.Dispose()
        }
        $md = $nuspec.package.metadata
        $md.id | Should -Be 'PsContainers'
        $md.version | Should -Be $script:Version
        $md.description | Should -Match 'Linux only'
        $md.description | Should -Match 'root'
        $tags = $md.tags -split ' '
        foreach ($t in 'containers', 'docker', 'podman', 'oci', 'Linux', 'PSEdition_Core', 'PSModule') { $tags | Should -Contain $t }
        $md.projectUrl | Should -Not -BeNullOrEmpty
        $md.licenseUrl | Should -Not -BeNullOrEmpty
        $md.releaseNotes | Should -Not -BeNullOrEmpty
    }

    It 'takes its version from Directory.Build.props' {
        [xml] $props = Get-Content -Raw (Join-Path $PSScriptRoot '../../Directory.Build.props')
        $v = @($props.Project.PropertyGroup | ForEach-Object { $_.SelectSingleNode('Version') } | Where-Object { $_ } | ForEach-Object InnerText)
        $script:Version | Should -Be $v[0]
    }
}

Describe 'Installed with <Installer>' -ForEach @(
    @{ Installer = 'Install-PSResource'; RepositoryList = '.local/share/PSResourceGet/PSResourceRepository.xml' }
    @{ Installer = 'Install-Module'; RepositoryList = '.cache/powershell/PowerShellGet/PSRepositories.xml' }
) {
    BeforeAll {
        $work = Join-Path $script:Scratch ($Installer -replace '\W', '')
        $feed = Join-Path $work 'feed'
        New-Item -ItemType Directory -Force -Path $feed | Out-Null
        Copy-Item $script:Nupkg $feed
        $script:HomeDir = $homeDir = Join-Path $work 'home'
        $script:ModulesDir = Join-Path $homeDir '.local/share/powershell/Modules'
        $script:Location = @(Invoke-IsolatedPwsh -HomeDir $homeDir -Script $script:Installers[$Installer] -ArgumentList $feed, $script:Version)
        $script:Run = Invoke-IsolatedPwsh -HomeDir $homeDir -ModulePath $script:ModulesDir -Script $script:RunScript `
            -ArgumentList (Join-Path $work 'store'), (Join-Path $PSScriptRoot 'Images.Helpers.psm1') | Select-Object -Last 1
    }

    It 'installs into the scratch CurrentUser module path' {
        $script:Location | Should -HaveCount 1
        $script:Location[0] | Should -BeLike "$($script:ModulesDir)*"
        Test-Path (Join-Path $script:ModulesDir "PsContainers/$($script:Version)/PsContainers.psd1") | Should -BeTrue
    }

    It 'registers its repository in the scratch home, not the user''s (<RepositoryList>)' {
        Test-Path (Join-Path $script:HomeDir $RepositoryList) | Should -BeTrue
        Get-Content -Raw (Join-Path $script:HomeDir $RepositoryList) | Should -Not -Match 'PsContainersScratch' -Because 'the repository is unregistered after the install'
    }

    It 'is the only PsContainers a fresh pwsh finds, and that pwsh imports it by name' {
        $expected = Join-Path $script:ModulesDir "PsContainers/$($script:Version)"
        @($script:Run.Found) | Should -Be @($expected)
        $script:Run.ModuleBase | Should -Be $expected
        $script:Run.Version | Should -Be $script:Version
    }

    It 'has executable native helpers once imported' {
        foreach ($h in $script:Helpers) {
            $after = $script:Run.After | Where-Object Name -EQ $h
            $before = ($script:Run.Before | Where-Object Name -EQ $h).Mode
            $after.Mode | Should -Match '^-rwx' -Because "bin/$h (installed as $before) must be executable by its owner after Import-Module"
        }
    }

    It 'runs a container' {
        $script:Run.Failure | Should -BeNullOrEmpty
        $script:Run.Output | Should -Be @('ok')
        $script:Run.ExitCode | Should -Be 0
        $script:Run.Left | Should -Be 0 -Because '-Remove removes the container'
    }
}

Describe 'PsContainers.NativeHelpers.ps1 (restores the helpers'' execute bits at import)' {
    BeforeAll {
        $script:Fix = Join-Path $script:Scratch 'fix'
        New-Item -ItemType Directory -Path $script:Fix | Out-Null
        function New-File([string] $Path, [string] $Mode) {
            New-Item -ItemType Directory -Force -Path (Split-Path $Path) | Out-Null
            Set-Content -Path $Path -Value 'x'
            & chmod $Mode $Path
        }
        function Get-Mode([string] $Path) { (& stat -c '%a' -- $Path) }
    }

    It 'sets 0644 to 0755 and 0600 to 0700, and leaves a helper with an x bit, other files and links alone' {
        $mod = Join-Path $script:Fix 'module'
        New-Item -ItemType Directory -Force -Path (Join-Path $mod 'bin') | Out-Null
        Copy-Item (Join-Path $script:ModuleDir 'PsContainers.NativeHelpers.ps1') $mod
        New-File (Join-Path $mod 'bin/pscrun') 0644
        New-File (Join-Path $mod 'bin/pscmon') 0600
        New-File (Join-Path $mod 'bin/pscdns') 0744
        New-File (Join-Path $mod 'bin/other') 0644
        $outside = Join-Path $script:Fix 'outside-target'
        New-File $outside 0644
        New-Item -ItemType SymbolicLink -Path (Join-Path $mod 'bin/pscinit') -Target $outside | Out-Null

        & (Join-Path $mod 'PsContainers.NativeHelpers.ps1') 3>&1 | Should -BeNullOrEmpty

        Get-Mode (Join-Path $mod 'bin/pscrun') | Should -Be '755'
        Get-Mode (Join-Path $mod 'bin/pscmon') | Should -Be '700'
        Get-Mode (Join-Path $mod 'bin/pscdns') | Should -Be '744'
        Get-Mode (Join-Path $mod 'bin/other') | Should -Be '644'
        Get-Mode $outside | Should -Be '644' -Because 'a helper that is a symbolic link is not followed'
    }

    It 'leaves a bin folder that is a symbolic link alone' {
        $mod = Join-Path $script:Fix 'module-linked-bin'
        New-Item -ItemType Directory -Force -Path $mod | Out-Null
        Copy-Item (Join-Path $script:ModuleDir 'PsContainers.NativeHelpers.ps1') $mod
        $elsewhere = Join-Path $script:Fix 'elsewhere-bin'
        New-File (Join-Path $elsewhere 'pscrun') 0644
        New-Item -ItemType SymbolicLink -Path (Join-Path $mod 'bin') -Target $elsewhere | Out-Null

        & (Join-Path $mod 'PsContainers.NativeHelpers.ps1') 3>&1 | Should -BeNullOrEmpty

        Get-Mode (Join-Path $elsewhere 'pscrun') | Should -Be '644'
    }

    It 'does nothing, quietly, without a bin folder or with a directory in a helper''s place' {
        $mod = Join-Path $script:Fix 'module-odd'
        New-Item -ItemType Directory -Force -Path (Join-Path $mod 'bin/pscrun') | Out-Null
        & chmod 0700 (Join-Path $mod 'bin/pscrun')
        Copy-Item (Join-Path $script:ModuleDir 'PsContainers.NativeHelpers.ps1') $mod
        & (Join-Path $mod 'PsContainers.NativeHelpers.ps1') 3>&1 | Should -BeNullOrEmpty
        Get-Mode (Join-Path $mod 'bin/pscrun') | Should -Be '700'
        $bare = Join-Path $script:Fix 'module-bare'
        New-Item -ItemType Directory -Force -Path $bare | Out-Null
        Copy-Item (Join-Path $script:ModuleDir 'PsContainers.NativeHelpers.ps1') $bare
        & (Join-Path $bare 'PsContainers.NativeHelpers.ps1') 3>&1 | Should -BeNullOrEmpty
    }
}
