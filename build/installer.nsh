; electron-builder's NSIS include (electron-builder.yml: nsis.include). Windows Defender Firewall
; blocks inbound UDP to a program no rule allows, and on a Public network silently; the first
; listen shows its prompt, which a person may dismiss. Installed for all users (elevated), the
; installer adds Gapscope's own inbound UDP rule for its program on domain and private networks;
; the uninstaller removes that rule alone (by its name and program), never another. A per-user
; install cannot add it without elevation: the app names the missing rule in the reception view.
; The commands are electron/network/windowsFirewall.ts's addRuleArguments/deleteRuleArguments, word
; for word (its test reads this file).

!macro customInstall
  ${if} $installMode == "all"
    nsExec::ExecToLog "netsh advfirewall firewall delete rule name=$\"Gapscope UDP in$\" dir=in program=$\"$INSTDIR\${APP_EXECUTABLE_FILENAME}$\""
    Pop $0
    nsExec::ExecToLog "netsh advfirewall firewall add rule name=$\"Gapscope UDP in$\" dir=in action=allow protocol=UDP profile=domain,private program=$\"$INSTDIR\${APP_EXECUTABLE_FILENAME}$\" enable=yes"
    Pop $0
    ${if} $0 != 0
      DetailPrint "The Windows Firewall rule for Gapscope could not be added (netsh exit $0); Gapscope will name the missing rule when a stream receives nothing."
    ${endif}
  ${endif}
!macroend

!macro customUnInstall
  ${if} $installMode == "all"
    nsExec::ExecToLog "netsh advfirewall firewall delete rule name=$\"Gapscope UDP in$\" dir=in program=$\"$INSTDIR\${APP_EXECUTABLE_FILENAME}$\""
    Pop $0
  ${endif}
!macroend
