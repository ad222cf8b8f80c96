# Sourced by the bin/ scripts: finds a JDK 25 or newer and exports JAVA_HOME and JAVA.
# Order: $JAVA_HOME if it is 25+, then the usual install locations.
calx_java_major() { # prints the feature version of the java binary $1
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}
calx_find_jdk() {
  local cand v
  for cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/*-2[5-9]* \
              /usr/lib/jvm/*-3[0-9]* /opt/java/openjdk /opt/jdk* "$HOME"/.sdkman/candidates/java/current \
              /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$cand" ] && [ -x "$cand/bin/java" ] && [ -x "$cand/bin/javac" ] || continue
    v=$(calx_java_major "$cand/bin/java")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then
      export JAVA_HOME="$cand"; export JAVA="$cand/bin/java"; return 0
    fi
  done
  cat >&2 <<MSG
calx: no JDK 25 or newer found (looked at \$JAVA_HOME=${JAVA_HOME:-unset} and /usr/lib/jvm/*25*).
calx: install one, e.g. Eclipse Temurin 25 (apt-get install temurin-25-jdk from packages.adoptium.net,
calx: or https://adoptium.net), then set JAVA_HOME to it.
MSG
  return 1
}
calx_find_jdk || exit 3
CALX_JVM_FLAGS="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
