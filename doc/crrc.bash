# bash completion for crrc: commands, options, their values (targets,
# formats, graph formats, codes), and *.crr.yaml files. Installed as
# share/bash-completion/completions/crrc; source it to try it.
_crrc()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local commands="check model compile graph diff plan apply verify failover explain help"
	if [[ $COMP_CWORD -eq 1 ]]; then
		COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
		return
	fi
	case $prev in
	--target) # the targets crrc has, from its help
		COMPREPLY=($(compgen -W "$(${COMP_WORDS[0]} help compile 2>/dev/null | \
			sed -n 's/^  \([a-z][a-z0-9-]*\)  .*/\1/p')" -- "$cur"))
		return ;;
	--diagnostics)
		COMPREPLY=($(compgen -W "text json sarif github" -- "$cur"))
		return ;;
	--out)
		if [[ ${COMP_WORDS[1]} == graph ]]; then
			COMPREPLY=($(compgen -f -- "$cur"))
		else
			COMPREPLY=($(compgen -d -- "$cur"))
		fi
		return ;;
	--format)
		if [[ ${COMP_WORDS[1]} == diff ]]; then
			COMPREPLY=($(compgen -W "text markdown json" -- "$cur"))
		elif [[ ${COMP_WORDS[1]} =~ ^(plan|apply|verify)$ ]]; then
			COMPREPLY=($(compgen -W "text json" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "dot mermaid svg" -- "$cur"))
		fi
		return ;;
	--stdin-filename)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--ignore)
		COMPREPLY=($(compgen -W "$(${COMP_WORDS[0]} explain 2>/dev/null | cut -d' ' -f1 | \
			grep '^W')" -- "${cur^^}"))
		return ;;
	esac
	local cmd=${COMP_WORDS[1]} flags="--help --diagnostics --werror --ignore --stdin-filename"
	case $cmd in
	help)
		COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		return ;;
	explain)
		COMPREPLY=($(compgen -W "$(${COMP_WORDS[0]} explain 2>/dev/null | cut -d' ' -f1)" \
			-- "${cur^^}"))
		return ;;
	compile)
		flags="$flags --target --out --check" ;;
	graph)
		flags="$flags --format --out" ;;
	diff)
		flags="$flags --format" ;;
	plan)
		flags="$flags --format --detailed-exitcode --assume --step-timeout" ;;
	apply)
		flags="$flags --yes --format --step-timeout --assume" ;;
	verify)
		flags="$flags --rule --timeout --format --assume --step-timeout" ;;
	failover)
		flags="$flags --to --status --yes --assume --step-timeout" ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$flags" -- "$cur"))
		return
	fi
	COMPREPLY=($(compgen -f -X '!*.crr.yaml' -- "$cur") $(compgen -d -S / -- "$cur"))
}
complete -o filenames -o nospace -F _crrc crrc
