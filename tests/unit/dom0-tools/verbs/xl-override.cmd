create
-n
xl-override.cfg
name="copy"
memory=0x40
extra+=" touch_mb=8"
vcpus=3
