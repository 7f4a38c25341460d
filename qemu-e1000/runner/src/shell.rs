// SPDX-License-Identifier: GPL-2.0
//! POSIX shell quoting for the command line vng hands to the guest shell.

/// Quotes one word so a POSIX shell reads it back unchanged.
pub fn quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%^".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        return word.to_owned();
    }
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// Quotes every word and joins them with spaces.
pub fn join<S: AsRef<str>>(words: &[S]) -> String {
    words
        .iter()
        .map(|w| quote(w.as_ref()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The shell command line the guest runs: mount the rwdirs (9p tags from
/// [`crate::qemu::rwdir_tag`], each at its host path), run `cmd`, and print
/// its exit status after `marker`.
///
/// vng normally returns the status itself, but loses it (and exits 255)
/// when the guest cannot find its virtio-serial script ports, e.g. in a
/// kernel without CONFIG_FILE_LOCKING, where udev cannot create
/// /dev/virtio-ports/*. The runner reads the marker line instead.
pub fn guest_command<S: AsRef<str>>(
    cmd: &[S],
    rwdirs: &[(String, String)],
    marker: &str,
) -> String {
    let mut s = String::new();
    for (tag, dir) in rwdirs {
        s.push_str(&format!(
            "mount -t 9p -o trans=virtio,version=9p2000.L,access=any,msize=524288 {} {} && ",
            quote(tag),
            quote(dir)
        ));
    }
    s.push_str(&format!(
        "{{ {}; }}; re1000_vm_rc=$?; echo {}$re1000_vm_rc; exit $re1000_vm_rc",
        join(cmd),
        quote(marker)
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_stay_bare() {
        assert_eq!(join(&["ls", "-l", "/tmp/a.b"]), "ls -l /tmp/a.b");
    }

    #[test]
    fn special_words_are_quoted() {
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$HOME;rm"), "'$HOME;rm'");
    }

    #[test]
    fn guest_command_shape() {
        assert_eq!(
            guest_command(&["true"], &[("re1000rw0".into(), "/tmp/out".into())], "@exit:"),
            "mount -t 9p -o trans=virtio,version=9p2000.L,access=any,msize=524288 re1000rw0 /tmp/out && \
             { true; }; re1000_vm_rc=$?; echo @exit:$re1000_vm_rc; exit $re1000_vm_rc"
        );
    }
}
