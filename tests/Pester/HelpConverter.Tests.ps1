# Tests for tools/ConvertTo-Maml.ps1: PlatyPS markdown in, MAML out (structure checked with XPath),
# and strictness: malformed markdown fails with a message naming the file and the problem, writing nothing.

BeforeAll {
    $script:Converter = Join-Path $PSScriptRoot '../../tools/ConvertTo-Maml.ps1'
    $script:SampleFile = Join-Path $PSScriptRoot 'data/help/Sample-Command.md'
    Import-Module "$PSScriptRoot/TestHelpers.psm1" -Force
    $script:Markdig = Get-PinnedToolAssembly Markdig
    $script:YamlDotNet = Get-PinnedToolAssembly YamlDotNet

    function Invoke-Converter {
        [CmdletBinding()]
        param([string] $HelpDir, [string] $OutFile)
        & $script:Converter -HelpPath $HelpDir -OutputFile $OutFile -MarkdigPath $script:Markdig -YamlDotNetPath $script:YamlDotNet
    }

    # A help directory holding the sample, optionally rewritten by $Edit (text -> text) and renamed.
    function New-HelpDir([scriptblock] $Edit, [string] $FileName = 'Sample-Command.md') {
        $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $dir | Out-Null
        $text = (Get-Content -Raw $script:SampleFile) -replace "`r`n", "`n"
        if ($Edit) { $text = & $Edit $text }
        Set-Content -Path (Join-Path $dir $FileName) -Value $text -NoNewline
        $dir
    }
}

Describe 'ConvertTo-Maml on a well-formed file' {
    BeforeAll {
        $script:Out = Join-Path $TestDrive 'en-US/Sample.dll-Help.xml'
        Invoke-Converter (New-HelpDir) $script:Out
        $script:Xml = [xml](Get-Content -Raw $script:Out)
        $script:Ns = [System.Xml.XmlNamespaceManager]::new($script:Xml.NameTable)
        $script:Ns.AddNamespace('msh', 'http://msh')
        $script:Ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
        $script:Ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
        $script:Ns.AddNamespace('dev', 'http://schemas.microsoft.com/maml/dev/2004/10')
        $script:Cmd = $script:Xml.SelectSingleNode('/msh:helpItems/command:command', $script:Ns)

        function Select-Node([string] $XPath, $From = $script:Cmd) { $From.SelectSingleNode($XPath, $script:Ns) }
        function Select-Nodes([string] $XPath, $From = $script:Cmd) { @($From.SelectNodes($XPath, $script:Ns)) }
        function Get-Param([string] $Name) { Select-Node "command:parameters/command:parameter[maml:name='$Name']" }
    }

    It 'writes a well-formed MAML document with one command' {
        $script:Xml.DocumentElement.LocalName | Should -Be 'helpItems'
        $script:Xml.DocumentElement.NamespaceURI | Should -Be 'http://msh'
        $script:Xml.DocumentElement.GetAttribute('schema') | Should -Be 'maml'
        @($script:Xml.SelectNodes('/msh:helpItems/command:command', $script:Ns)).Count | Should -Be 1
    }

    It 'names the command, its verb and noun' {
        (Select-Node 'command:details/command:name').InnerText | Should -Be 'Sample-Command'
        (Select-Node 'command:details/command:verb').InnerText | Should -Be 'Sample'
        (Select-Node 'command:details/command:noun').InnerText | Should -Be 'Command'
    }

    It 'carries the synopsis' {
        (Select-Node 'command:details/maml:description/maml:para').InnerText | Should -Be 'Gets sample items by name or by id.'
    }

    It 'carries the description as paragraphs with inline markup resolved' {
        $paras = Select-Nodes 'maml:description/maml:para' | ForEach-Object InnerText
        $paras.Count | Should -Be 4
        $paras[0] | Should -Be 'The Sample-Command cmdlet gets sample items. It reads them from the `store` and writes one object per item.'
        $paras[1] | Should -Be 'It understands:'
        $paras[2] | Should -Be '- names with wildcards'
        $paras[3] | Should -Be '- ids from the pipeline, see the guide (https://example.invalid/guide)'
    }

    It 'writes one syntax item per parameter set with that set''s parameters in syntax order' {
        $items = Select-Nodes 'command:syntax/command:syntaxItem'
        $items.Count | Should -Be 2
        foreach ($i in $items) { (Select-Node 'maml:name' $i).InnerText | Should -Be 'Sample-Command' }
        (Select-Nodes 'command:parameter/maml:name' $items[0] | ForEach-Object InnerText) -join ',' | Should -Be 'Name,Kind,Force'
        (Select-Nodes 'command:parameter/maml:name' $items[1] | ForEach-Object InnerText) -join ',' | Should -Be 'Id,Kind,Force'
        $id = Select-Node "command:parameter[maml:name='Id']" $items[1]
        $id.GetAttribute('required') | Should -BeExactly 'true'
        $id.GetAttribute('position') | Should -BeExactly '0'
    }

    It 'lists accepted values in the syntax and leaves switches without a value' {
        $item = (Select-Nodes 'command:syntax/command:syntaxItem')[0]
        $values = Select-Nodes "command:parameter[maml:name='Kind']/command:parameterValueGroup/command:parameterValue" $item
        ($values | ForEach-Object InnerText) -join ',' | Should -Be 'Small,Large'
        Select-Node "command:parameter[maml:name='Force']/command:parameterValue" $item | Should -BeNullOrEmpty
        (Select-Node "command:parameter[maml:name='Name']/command:parameterValue" $item).InnerText | Should -Be 'String[]'
    }

    It 'documents every parameter once, skipping CommonParameters' {
        (Select-Nodes 'command:parameters/command:parameter/maml:name' | ForEach-Object InnerText) -join ',' |
            Should -Be 'Name,Id,Kind,Force'
    }

    It 'writes required, position, pipelineInput, globbing, aliases, type and default for <Name>' -ForEach @(
        @{ Name = 'Name'; Required = 'false'; Position = '0'; Pipeline = 'True (ByPropertyName, ByValue)'; Globbing = 'true'; Aliases = 'none'; Type = 'String[]'; Default = 'None' }
        @{ Name = 'Id'; Required = 'true'; Position = '0'; Pipeline = 'True (ByPropertyName)'; Globbing = 'false'; Aliases = 'ItemId, Number'; Type = 'Int32'; Default = 'None' }
        @{ Name = 'Kind'; Required = 'false'; Position = 'named'; Pipeline = 'False'; Globbing = 'false'; Aliases = 'none'; Type = 'String'; Default = 'Small' }
        @{ Name = 'Force'; Required = 'false'; Position = 'named'; Pipeline = 'False'; Globbing = 'false'; Aliases = 'f'; Type = 'SwitchParameter'; Default = 'False' }
    ) {
        $p = Get-Param $Name
        $p | Should -Not -BeNullOrEmpty
        $p.GetAttribute('required') | Should -BeExactly $Required
        $p.GetAttribute('position') | Should -BeExactly $Position
        $p.GetAttribute('pipelineInput') | Should -BeExactly $Pipeline
        $p.GetAttribute('globbing') | Should -BeExactly $Globbing
        $p.GetAttribute('aliases') | Should -BeExactly $Aliases
        (Select-Node 'dev:type/maml:name' $p).InnerText | Should -Be $Type
        (Select-Node 'dev:defaultValue' $p).InnerText | Should -Be $Default
        (Select-Node 'command:parameterValue' $p).InnerText | Should -Be $Type
        (Select-Node 'maml:description/maml:para' $p).InnerText | Should -Not -BeNullOrEmpty
    }

    It 'turns each example into title, code and remarks' {
        $ex = Select-Nodes 'command:examples/command:example'
        $ex.Count | Should -Be 2
        (Select-Node 'maml:title' $ex[0]).InnerText | Should -BeLike '*Example 1: Get every item*'
        (Select-Node 'dev:code' $ex[0]).InnerText | Should -Be 'PS /> Sample-Command'
        (Select-Node 'dev:remarks/maml:para' $ex[0]).InnerText | Should -Be 'Gets every item.'
        (Select-Node 'maml:title' $ex[1]).InnerText | Should -BeLike '*Example 2: Get an item by id from the pipeline*'
        (Select-Node 'dev:code' $ex[1]).InnerText | Should -Be "PS /> [pscustomobject]@{ Id = 3 } | Sample-Command`n`nPS /> Sample-Command -Id 3 -Force"
        (Select-Nodes 'dev:remarks/maml:para' $ex[1] | ForEach-Object InnerText) -join '|' |
            Should -Be 'Binds -Id by property name.|The second command forces it.'
    }

    It 'writes inputs, outputs and notes' {
        (Select-Nodes 'command:inputTypes/command:inputType/dev:type/maml:name' | ForEach-Object InnerText) -join ',' |
            Should -Be 'System.String,System.Int32'
        (Select-Node 'command:inputTypes/command:inputType[1]/maml:description/maml:para').InnerText | Should -Be 'Names from the pipeline.'
        (Select-Node 'command:returnValues/command:returnValue/dev:type/maml:name').InnerText | Should -Be 'System.String'
        (Select-Node 'maml:alertSet/maml:alert/maml:para').InnerText | Should -Be 'Items are read from the store root.'
    }

    It 'writes related links, the online version first' {
        $links = Select-Nodes 'command:relatedLinks/maml:navigationLink'
        $links.Count | Should -Be 3
        (Select-Node 'maml:uri' $links[0]).InnerText | Should -Be 'https://example.invalid/sample-command'
        (Select-Node 'maml:linkText' $links[1]).InnerText | Should -Be 'Get-Help'
        (Select-Node 'maml:uri' $links[1]).InnerText | Should -BeLike 'https://learn.microsoft.com/*'
        (Select-Node 'maml:linkText' $links[2]).InnerText | Should -Be 'about_CommonParameters'
        (Select-Node 'maml:uri' $links[2]).InnerText | Should -Be ''
    }

    It 'accepts a SYNTAX section without parameter set headings' {
        $dir = New-HelpDir {
            param($t)
            $t = $t -replace '(?s)## SYNTAX.*?## DESCRIPTION', "## SYNTAX`n`n``````nSample-Command [-Kind <String>] [-Force] [<CommonParameters>]`n```````n`n## DESCRIPTION"
            $t -replace '(?s)### -Name\n.*?(?=### -Kind)', ''
        }
        $out = Join-Path $TestDrive 'single.xml'
        Invoke-Converter $dir $out
        $x = [xml](Get-Content -Raw $out)
        $items = @($x.SelectNodes('//command:syntax/command:syntaxItem', $script:Ns))
        $items.Count | Should -Be 1
        (@($items[0].SelectNodes('command:parameter/maml:name', $script:Ns)) | ForEach-Object InnerText) -join ',' | Should -Be 'Kind,Force'
    }
}

Describe 'ConvertTo-Maml reads the yaml blocks as yaml' {
    BeforeAll {
        # Converts the sample after $Edit and returns the MAML <command:parameter> of $Name (parameters list).
        function Get-ConvertedParam([scriptblock] $Edit, [string] $Name) {
            $text = (Get-Content -Raw $script:SampleFile) -replace "`r`n", "`n"
            (& $Edit $text) | Should -Not -Be $text -Because 'the edit must apply to the sample'
            $out = Join-Path $TestDrive "yaml-$([guid]::NewGuid().ToString('N')).xml"
            Invoke-Converter (New-HelpDir $Edit) $out
            $x = [xml](Get-Content -Raw $out)
            $ns = [System.Xml.XmlNamespaceManager]::new($x.NameTable)
            $ns.AddNamespace('maml', 'http://schemas.microsoft.com/maml/2004/10')
            $ns.AddNamespace('command', 'http://schemas.microsoft.com/maml/dev/command/2004/10')
            $ns.AddNamespace('dev', 'http://schemas.microsoft.com/maml/dev/2004/10')
            $p = $x.SelectSingleNode("//command:parameters/command:parameter[maml:name='$Name']", $ns)
            $p | Should -Not -BeNullOrEmpty
            [pscustomobject]@{
                Required = $p.GetAttribute('required'); Position = $p.GetAttribute('position')
                Pipeline = $p.GetAttribute('pipelineInput'); Aliases = $p.GetAttribute('aliases')
                Type = $p.SelectSingleNode('dev:type/maml:name', $ns).InnerText
                Default = $p.SelectSingleNode('dev:defaultValue', $ns).InnerText
                Accepted = @($x.SelectNodes("//command:syntax/command:syntaxItem[1]/command:parameter[maml:name='$Name']/command:parameterValueGroup/command:parameterValue", $ns) | ForEach-Object InnerText) -join ','
            }
        }
    }

    It 'takes single- and double-quoted values without their quotes' {
        $p = Get-ConvertedParam {
            param($t)
            $t = $t -replace 'Type: Int32', "Type: 'Int32'" -replace 'Required: True', 'Required: "True"'
            $t = $t -replace 'Accept pipeline input: True \(ByPropertyName\)\n', "Accept pipeline input: 'True (ByPropertyName)'`n"
            $t -replace 'Aliases: ItemId, Number', "Aliases: 'ItemId, Number'" -replace '(?m)^Position: 0(?=\nDefault value: None\nAccept pipeline input: .True \(ByPropertyName\))', 'Position: "0"'
        } 'Id'
        $p.Type | Should -BeExactly 'Int32'
        $p.Required | Should -BeExactly 'true'
        $p.Position | Should -BeExactly '0'
        $p.Pipeline | Should -BeExactly 'True (ByPropertyName)'
        $p.Aliases | Should -BeExactly 'ItemId, Number'
    }

    It 'keeps a colon and a # inside quotes, and drops a comment after a plain value' {
        $p = Get-ConvertedParam { param($t) $t -replace 'Default value: Small', "Default value: 'Small: the # default'" } 'Kind'
        $p.Default | Should -BeExactly 'Small: the # default'
        $p = Get-ConvertedParam { param($t) $t -replace 'Default value: Small', 'Default value: Large  # a comment' } 'Kind'
        $p.Default | Should -BeExactly 'Large'
    }

    It 'folds a value continued on the next line, and reads block scalars' {
        $p = Get-ConvertedParam {
            param($t)
            $t -replace 'Accepted values: Small, Large', "Accepted values: Small,`n  Large" -replace 'Default value: Small', "Default value: >-`n  Small,`n  unless set"
        } 'Kind'
        $p.Accepted | Should -BeExactly 'Small,Large'
        $p.Default | Should -BeExactly 'Small, unless set'
        $p = Get-ConvertedParam { param($t) $t -replace 'Default value: Small', "Default value: |-`n  Small`n  or Large" } 'Kind'
        $p.Default | Should -BeExactly "Small`nor Large"
    }

    It 'takes a yaml list for aliases, parameter sets and accepted values' {
        $p = Get-ConvertedParam { param($t) $t -replace 'Aliases: ItemId, Number', "Aliases:`n  - ItemId`n  - Number" } 'Id'
        $p.Aliases | Should -BeExactly 'ItemId, Number'
        $p = Get-ConvertedParam { param($t) $t -replace 'Accepted values: Small, Large', 'Accepted values: [Small, Large]' } 'Kind'
        $p.Accepted | Should -BeExactly 'Small,Large'
    }

    It 'reads an empty value as no value' {
        $p = Get-ConvertedParam { param($t) $t -replace 'Aliases: ItemId, Number', "Aliases: ''" } 'Id'
        $p.Aliases | Should -BeExactly 'none'
    }
}

Describe 'ConvertTo-Maml on a malformed file' {
    It 'fails naming the file and the problem when <Case>' -ForEach @(
        @{ Case = 'the # Name heading is missing'; Pattern = '(?m)^# Sample-Command\n'; With = ''; Expect = "*missing '# <Command-Name>' heading*" }
        @{ Case = '## SYNOPSIS is missing'; Pattern = '(?s)## SYNOPSIS.*?(?=## SYNTAX)'; With = ''; Expect = "*missing '## SYNOPSIS' section*" }
        @{ Case = '## DESCRIPTION is missing'; Pattern = '(?s)## DESCRIPTION.*?(?=## EXAMPLES)'; With = ''; Expect = "*missing '## DESCRIPTION' section*" }
        @{ Case = '## EXAMPLES is missing'; Pattern = '(?s)## EXAMPLES.*?(?=## PARAMETERS)'; With = ''; Expect = "*missing '## EXAMPLES' section*" }
        @{ Case = 'a parameter has no yaml block'; Pattern = '(?s)(### -Id\nId of the item\.\n\n)```yaml.*?```\n'; With = '$1'; Expect = "*'### -Id' has no*yaml block*" }
        @{ Case = 'a yaml block lacks Required'; Pattern = '(?m)^Required: True\n'; With = ''; Expect = "*### -Id yaml block lacks 'Required:'*" }
        @{ Case = 'an example has no code'; Pattern = '(?s)(### Example 1: Get every item\n)```powershell\n.*?```\n'; With = '$1'; Expect = "*example '### Example 1: Get every item' has no code block*" }
        @{ Case = 'a parameter names an undeclared set'; Pattern = 'Parameter Sets: Id'; With = 'Parameter Sets: ById'; Expect = "*-Id names parameter set 'ById' that '## SYNTAX' does not list*" }
        @{ Case = 'the heading does not match the file name'; Pattern = '(?m)^# Sample-Command\n'; With = "# Sample-Other`n"; Expect = "*'# Sample-Other' does not match the file name Sample-Command.md*" }
        @{ Case = 'a yaml key is missing (named with the line of the yaml fence)'; Pattern = '(?m)^Required: True\n'; With = ''; Expect = "*line 76: ### -Id yaml block lacks 'Required:'*" }
        @{ Case = 'a yaml key is repeated'; Pattern = 'Aliases: ItemId, Number'; With = 'Type: Int64'; Expect = "*line 79: ### -Id yaml repeats key 'Type' (first on line 77)*" }
        @{ Case = 'a yaml key is unknown'; Pattern = 'Aliases: ItemId, Number'; With = 'Alias: ItemId'; Expect = "*line 79: ### -Id yaml has unknown key 'Alias'*" }
        @{ Case = 'a yaml value is not valid yaml'; Pattern = '(?m)^Position: 0(?=\nDefault value: None\nAccept pipeline input: True \(ByPropertyName\))'; With = 'Position: 0: first'; Expect = '*line 82: ### -Id yaml is not valid yaml:*' }
        @{ Case = 'a yaml list is not closed'; Pattern = 'Type: Int32'; With = 'Type: [Int32'; Expect = '*line 77: ### -Id yaml is not valid yaml*' }
        @{ Case = 'a yaml value is a nested mapping'; Pattern = 'Type: Int32'; With = "Type:`n  Name: Int32"; Expect = "*line 77: ### -Id yaml 'Type' has a nested mapping*" }
        @{ Case = 'a single-valued yaml key is a list'; Pattern = 'Type: Int32'; With = 'Type: [Int32, Int64]'; Expect = "*line 77: ### -Id 'Type:' takes one value, not a list*" }
        @{ Case = 'a quoted yaml value is not True or False'; Pattern = 'Required: True'; With = "Required: 'yes'"; Expect = "*line 81: ### -Id 'Required: yes' must be True or False*" }
        @{ Case = 'a yaml key is empty'; Pattern = 'Type: Int32'; With = 'Type:'; Expect = "*line 77: ### -Id yaml block has an empty 'Type:'*" }
        @{ Case = 'the front matter repeats a key'; Pattern = 'online version: https://example.invalid/sample-command'; With = 'schema: 2.0.0'; Expect = "*line 5: front matter repeats key 'schema' (first on line 4)*" }
        @{ Case = 'the front matter is not valid yaml'; Pattern = 'Module Name: PsContainers'; With = 'Module Name: [PsContainers'; Expect = '*line 3: front matter is not valid yaml*' }
        @{ Case = 'the online version is not an address'; Pattern = 'online version: https://example.invalid/sample-command'; With = 'online version: sample-command'; Expect = "*line 4: front matter 'online version: sample-command' is not an absolute address*" }
    ) {
        $text = (Get-Content -Raw $script:SampleFile) -replace "`r`n", "`n"
        $text -match $Pattern | Should -BeTrue -Because 'the edit must apply to the sample'
        $dir = New-HelpDir { param($t) [regex]::Replace($t, $Pattern, $With) }
        $out = Join-Path $TestDrive "bad-$([guid]::NewGuid().ToString('N')).xml"
        { Invoke-Converter $dir $out } | Should -Throw -ExpectedMessage "*Sample-Command.md: *$($Expect.TrimStart('*'))"
        Test-Path $out | Should -BeFalse
    }

    It 'reports every broken file and writes nothing even when other files are fine' {
        $dir = New-HelpDir
        Set-Content -Path (Join-Path $dir 'Sample-Broken.md') -Value "# Sample-Broken`n`n## SYNOPSIS`nBroken.`n"
        $out = Join-Path $TestDrive 'mixed.xml'
        $err = { Invoke-Converter $dir $out } | Should -Throw -PassThru
        $err.Exception.Message | Should -BeLike "*Sample-Broken.md: missing '## SYNTAX' section*"
        $err.Exception.Message | Should -BeLike "*Sample-Broken.md: missing '## EXAMPLES' section*"
        $err.Exception.Message | Should -Not -BeLike '*Sample-Command.md*'
        Test-Path $out | Should -BeFalse
    }

    It 'warns and writes nothing for a directory without markdown' {
        $dir = Join-Path $TestDrive 'empty'
        New-Item -ItemType Directory -Path $dir | Out-Null
        $out = Join-Path $TestDrive 'none.xml'
        Invoke-Converter $dir $out -WarningVariable warn -WarningAction SilentlyContinue
        "$warn" | Should -BeLike '*No `*.md help files*'
        Test-Path $out | Should -BeFalse
    }
}
