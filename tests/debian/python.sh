# debian/python: python3 with threads, subprocess and a temporary file.
cd /tmp && mkdir work && cd work || exit 1
cat > work.py <<'PY'
import concurrent.futures, hashlib, json, os, queue, subprocess, sys
import tempfile, threading, zlib

# subprocess
r = subprocess.run(["sh", "-c", "echo out; echo err >&2; exit 3"],
                   capture_output=True, text=True)
print("run:", r.returncode, repr(r.stdout), repr(r.stderr))
print("check_output:", subprocess.check_output(["expr", "6", "*", "7"]).decode().strip())
p = subprocess.Popen(["tr", "a-z", "A-Z"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE)
out, _ = p.communicate(b"piped through tr\n")
print("popen:", out.decode().strip(), p.returncode)
try:
    subprocess.run(["/nonexistent"])
except FileNotFoundError as e:
    print("missing program:", e.errno)

# temporary files
with tempfile.NamedTemporaryFile("w+", suffix=".json", delete=False) as f:
    json.dump({"k": [1, 2, 3], "s": "umk"}, f)
    name = f.name
with open(name) as f:
    print("temp file:", json.load(f), os.path.dirname(name))
os.unlink(name)
print("removed:", not os.path.exists(name))
with tempfile.TemporaryDirectory() as d:
    for i in range(5):
        with open(os.path.join(d, "f%d" % i), "wb") as f:
            f.write(os.urandom(100) if i == 4 else bytes([i]) * 1000)
    print("temp dir:", sorted(os.listdir(d))[:4],
          [os.path.getsize(os.path.join(d, x)) for x in sorted(os.listdir(d))])
print("temp dir removed:", not os.path.exists(d))

data = b"".join(str(i).encode() for i in range(10000))
print("sha256:", hashlib.sha256(data).hexdigest()[:16],
      "zlib:", len(zlib.compress(data, 9)))
print("cwd:", os.getcwd(), "pid>1:", os.getpid() > 1, "cpus:", os.cpu_count() > 0)

# threads, last (without them, only this part fails): a pool of
# workers, a lock-protected counter, a queue, a timer
def work(n):
    return sum(i * i for i in range(n)) % 1000003

with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
    print("pool:", list(pool.map(work, [1000, 20000, 300000, 5])))

count = 0
lock = threading.Lock()
def add():
    global count
    for _ in range(10000):
        with lock:
            count += 1
ts = [threading.Thread(target=add) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print("counter:", count)

q = queue.Queue()
def producer():
    for i in range(100):
        q.put(i)
    q.put(None)
threading.Thread(target=producer).start()
total = 0
while (item := q.get()) is not None:
    total += item
print("queue total:", total)
ev = threading.Event()
threading.Timer(0.05, ev.set).start()
print("event set:", ev.wait(5))

sys.exit(4)
PY
python3 work.py
echo "python: exit $?"
python3 -c 'import sys; print(sys.version_info[:2] >= (3, 11), sys.platform)'
python3 -m compileall -q . > /dev/null && ls __pycache__ | sed 's/cpython-[0-9]*/cpython/'
