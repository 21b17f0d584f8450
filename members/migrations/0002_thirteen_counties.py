from django.db import migrations

# Copied, not imported: a migration must not change when models.py does.
COUNTIES = [
    ("宝塔区", "baota"),
    ("安塞区", "ansai"),
    ("延长县", "yanchang"),
    ("延川县", "yanchuan"),
    ("子长市", "zichang"),
    ("志丹县", "zhidan"),
    ("吴起县", "wuqi"),
    ("甘泉县", "ganquan"),
    ("富县", "fuxian"),
    ("洛川县", "luochuan"),
    ("宜川县", "yichuan"),
    ("黄龙县", "huanglong"),
    ("黄陵县", "huangling"),
]


def create_counties(apps, schema_editor):
    CountyBranch = apps.get_model("members", "CountyBranch")
    for order, (name, slug) in enumerate(COUNTIES, start=1):
        CountyBranch.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(create_counties, migrations.RunPython.noop)]
